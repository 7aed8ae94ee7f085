package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/keystore"
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
	dirs := make([]string, len(cfg.Drives))
	for i, d := range cfg.Drives {
		dirs[i] = filepath.Join(d, filepath.FromSlash(KMSDir))
	}
	st, err := keystore.Open(ctx, keystore.Config{
		Dirs:       dirs,
		Root:       root,
		DefaultKey: cfg.KMSDefaultKey,
		Logger:     log.With("component", "kms"),
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
