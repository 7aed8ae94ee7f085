package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/silo-project/silo/api"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/storage/erasure"
)

// engine is the opened erasure-coded store.
type engine struct {
	*erasure.Store
}

// openEngine opens (or formats) the drives.
func openEngine(ctx context.Context, cfg Config, log *slog.Logger) (*engine, error) {
	std, rrs := -1, -1
	var err error
	if cfg.StandardStorageClass != "" {
		if std, err = erasure.ParseStorageClass(cfg.StandardStorageClass); err != nil {
			return nil, fmt.Errorf("invalid STANDARD storage class %q: %w", cfg.StandardStorageClass, err)
		}
	}
	if cfg.RRSStorageClass != "" {
		if rrs, err = erasure.ParseStorageClass(cfg.RRSStorageClass); err != nil {
			return nil, fmt.Errorf("invalid REDUCED_REDUNDANCY storage class %q: %w", cfg.RRSStorageClass, err)
		}
	}
	st, err := erasure.New(ctx, erasure.Config{
		Drives:         cfg.Drives,
		SetDriveCount:  cfg.SetDriveCount,
		StandardParity: std,
		RRSParity:      rrs,
		Logger:         log.With("component", "storage"),

		StaleUploadsExpiry:          cfg.StaleUploadsExpiry,
		StaleUploadsCleanupInterval: cfg.StaleUploadsCleanupInterval,
	})
	if err != nil {
		return nil, fmt.Errorf("opening drives: %w", err)
	}
	return &engine{Store: st}, nil
}

// close closes the store, whatever the shape of its Close method.
func (e *engine) close(context.Context) error {
	switch c := any(e.Store).(type) {
	case interface{ Close() error }:
		return c.Close()
	case interface{ Close() }:
		c.Close()
	}
	return nil
}

// layout describes the erasure layout for the banner.
func (e *engine) layout() erasure.Layout { return e.Store.Layout() }

// health reports drive health for the metrics gauges.
func (e *engine) health(ctx context.Context) (online, total int, writeQuorum bool) {
	h := e.Store.Health(ctx)
	return h.DrivesOnline, h.DrivesTotal, h.WriteQuorum
}

// healthReporter adapts the engine's health to the API's.
type healthReporter struct{ st *erasure.Store }

func (h healthReporter) Health(ctx context.Context) api.Health {
	eh := h.st.Health(ctx)
	return api.Health{DrivesOnline: eh.DrivesOnline, DrivesTotal: eh.DrivesTotal, WriteQuorum: eh.WriteQuorum}
}

// openIAM loads the identity store kept in the erasure store's system
// documents; bucket policies live in the buckets' configuration.
func openIAM(ctx context.Context, e *engine, creds rootCredentials, log *slog.Logger) (*iam.System, error) {
	sys, err := iam.New(ctx, iam.Config{
		Root:    iam.Credentials{AccessKey: creds.AccessKey, SecretKey: creds.SecretKey},
		Store:   e.Store,
		Buckets: e.Store,
		Logger:  log.With("component", "iam"),
	})
	if err != nil {
		return nil, fmt.Errorf("loading IAM: %w", err)
	}
	return sys, nil
}

// newHandler builds the S3 handler: SigV4/V2 authentication and
// authorization by the IAM system, the erasure store.
func newHandler(cfg Config, e *engine, sys *iam.System, log *slog.Logger) (http.Handler, error) {
	verifier := sigv4.NewVerifier(sigv4.Config{Region: cfg.Region, Credentials: sys})
	return api.New(api.Config{
		Region:      cfg.Region,
		Domains:     cfg.Domains,
		MaxRequests: cfg.MaxRequests,
		Logger:      log.With("component", "api"),

		SSEInsecureLoopback: cfg.SSEInsecureLoopback,
	}, api.Deps{
		Store:  e.Store,
		Auth:   verifier,
		Authz:  sys,
		Health: healthReporter{st: e.Store},
		KMS:    cfg.KMS,
	})
}
