package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/silo-project/silo/admin"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/storage"
)

// ErrRestart is returned by Run when an administrator asked for a restart
// (`mc admin service restart`): the caller creates and runs a new Server
// with the same configuration.
var ErrRestart = errors.New("server: restart requested")

var _ admin.IAM = (*iam.System)(nil)

// serviceControl receives `mc admin service restart|stop` and ends Run.
type serviceControl struct {
	once    sync.Once
	done    chan struct{}
	restart atomic.Bool
}

func newServiceControl() *serviceControl { return &serviceControl{done: make(chan struct{})} }

// Restart makes Run return ErrRestart.
func (c *serviceControl) Restart() {
	c.restart.Store(true)
	c.Stop()
}

// Stop makes Run return nil.
func (c *serviceControl) Stop() { c.once.Do(func() { close(c.done) }) }

// adminInfo adapts the engine to admin.InfoSource.
type adminInfo struct{ e *engine }

func (a adminInfo) ServerInfo(ctx context.Context) admin.ServerInfo {
	l := a.e.Layout()
	si := admin.ServerInfo{DeploymentID: l.DeploymentID, Sets: l.Sets, DrivesPerSet: l.DrivesPerSet,
		StandardParity: l.StandardParity, RRSParity: l.RRSParity, Started: a.e.Started(), Buckets: -1, Objects: -1, Usage: -1}
	if bs, err := a.e.ListBuckets(ctx); err == nil {
		si.Buckets = len(bs)
		si.Objects, si.Usage = a.usage(ctx, bs)
	}
	for _, d := range a.e.Drives(ctx) {
		si.Drives = append(si.Drives, admin.DriveInfo{Set: d.Set, Position: d.Position, Path: d.Path, UUID: d.UUID,
			Online: d.Online, Total: d.Total, Used: d.Used, Free: d.Free})
	}
	return si
}

// maxUsageScan bounds the objects `mc admin info` counts by listing (there
// is no background usage scanner); beyond it objects and usage are
// reported as unknown.
const maxUsageScan = 100_000

// usage counts the latest object versions of buckets and their bytes, or
// returns -1, -1 when there are more than maxUsageScan or listing fails.
func (a adminInfo) usage(ctx context.Context, buckets []storage.BucketInfo) (objects, size int64) {
	for _, b := range buckets {
		opts := storage.ListOptions{}
		for {
			page, err := a.e.ListObjects(ctx, b.Name, opts)
			if err != nil {
				return -1, -1
			}
			for _, o := range page.Objects {
				objects++
				size += o.Size
			}
			if objects > maxUsageScan {
				return -1, -1
			}
			if !page.IsTruncated {
				break
			}
			opts.Marker = page.NextMarker
		}
	}
	return objects, size
}

// newAdminHandler builds the handler of /minio/admin/: SigV4 against the
// IAM credentials in any region (mc signs admin calls with an empty one),
// authorization by the IAM's admin:* policies.
func newAdminHandler(cfg Config, e *engine, sys *iam.System, creds rootCredentials, svc admin.Service, log *slog.Logger) (http.Handler, error) {
	return admin.New(admin.Config{
		RootAccessKey: creds.AccessKey,
		Region:        cfg.Region,
		Version:       cfg.Version,
		Logger:        log.With("component", "admin"),
	}, admin.Deps{
		Auth:    sigv4.NewVerifier(sigv4.Config{Credentials: sys, Domains: cfg.Domains}),
		IAM:     sys,
		Info:    adminInfo{e: e},
		Service: svc,
		KMS:     cfg.KMS,
		Rotator: newKeyRotator(e, cfg.KMS),
	})
}

// withAdmin sends requests under /minio/admin/ and /minio/kms/ to adm, the
// rest to next.
func withAdmin(adm, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, admin.PathPrefix) || strings.HasPrefix(r.URL.Path, admin.KMSPathPrefix) {
			adm.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
