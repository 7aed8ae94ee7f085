package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/silo-project/silo/admin"
	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/keystore"
	"github.com/silo-project/silo/storage/crypt"
)

// KMSDir is where the embedded key service keeps its files on each drive.
const KMSDir = SysDir + "/kms"

// openKMS returns cfg.KMS, or the embedded key service on the drives when
// only cfg.KMSRootKey is set (after the drives are formatted: formatting
// wipes a partial system directory), or nil when neither is set.
func openKMS(ctx context.Context, cfg Config, log *slog.Logger) (kms.KMS, error) {
	if cfg.KMS != nil {
		ensureDefaultKey(ctx, cfg.KMS, log)
		return cfg.KMS, nil
	}
	if cfg.KMSRootKey == nil {
		return nil, nil
	}
	root, err := kms.NewSecret(cfg.KMSRootKey)
	if err != nil {
		return nil, fmt.Errorf("key service: %w", err)
	}
	var previous []kms.Secret
	if cfg.KMSPreviousRootKey != nil {
		old, err := kms.NewSecret(cfg.KMSPreviousRootKey)
		if err != nil {
			return nil, fmt.Errorf("key service: previous root key: %w", err)
		}
		previous = append(previous, old)
	}
	dirs := make([]string, len(cfg.Drives))
	for i, d := range cfg.Drives {
		dirs[i] = filepath.Join(d, filepath.FromSlash(KMSDir))
	}
	st, err := keystore.Open(ctx, keystore.Config{
		Dirs:          dirs,
		Root:          root,
		PreviousRoots: previous,
		DefaultKey:    cfg.KMSDefaultKey,
		Logger:        log.With("component", "kms"),
	})
	if err != nil {
		return nil, fmt.Errorf("key service: %w", err)
	}
	return st, nil
}

// ensureDefaultKey creates the default key of an external key service when
// it does not exist yet. A service that is down only gets a warning: the
// server starts, and requests that need keys fail with 503 until it is back.
func ensureDefaultKey(ctx context.Context, k kms.KMS, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := k.CreateKey(ctx, k.DefaultKey())
	switch {
	case err == nil:
		log.Info("key service: default key created", "key", k.DefaultKey())
	case errors.Is(err, kms.ErrKeyExists), errors.Is(err, kms.ErrNotSupported):
	default:
		log.Warn("key service: cannot ensure the default key exists", "key", k.DefaultKey(), "err", err)
	}
}

// keyRotator adapts crypt.Rotate to admin.KeyRotator.
type keyRotator struct {
	st crypt.RotateStore
	k  kms.KMS
}

// newKeyRotator returns nil (no rotation) when no key service is configured.
func newKeyRotator(e *engine, k kms.KMS) admin.KeyRotator {
	if k == nil {
		return nil
	}
	return keyRotator{st: e.Store, k: k}
}

func (r keyRotator) RotateKeys(ctx context.Context, req admin.RotateRequest) (admin.RotateResult, error) {
	res, err := crypt.Rotate(ctx, r.st, r.k, crypt.RotateOptions{
		Bucket: req.Bucket, Prefix: req.Prefix, OldKey: req.OldKey, NewKey: req.NewKey,
	})
	return admin.RotateResult{Rotated: res.Rotated, Skipped: res.Skipped, Failed: res.Failed, Errors: res.Errors}, err
}
