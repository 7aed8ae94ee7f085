package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/keystore"
)

// KMSDir is where the embedded key service keeps its files on each drive.
const KMSDir = SysDir + "/kms"

// openKMS returns cfg.KMS, or the embedded key service on the drives when
// only cfg.KMSRootKey is set (after the drives are formatted: formatting
// wipes a partial system directory), or nil when neither is set.
func openKMS(ctx context.Context, cfg Config, log *slog.Logger) (kms.KMS, error) {
	if cfg.KMS != nil || cfg.KMSRootKey == nil {
		return cfg.KMS, nil
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
