package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kes"
	"github.com/silo-project/silo/server"
)

// kmsUsage documents the key service variables in `silo server --help`.
const kmsUsage = `
Key service for SSE-S3 and SSE-KMS (at most one kind):
  SILO_KMS_SECRET_KEY / MINIO_KMS_SECRET_KEY   <name>:<base64 of 32 bytes>: one static
                                           key (development only)
  SILO_KMS_ROOT_KEY                        base64 of 32 bytes: enables the embedded key
                                           service, master keys kept sealed on the drives
  SILO_KMS_ROOT_KEY_FILE                   file holding that root key (instead of the variable)
  SILO_KMS_ROOT_KEY_PREVIOUS(_FILE)        the old root key while rotating it: keys sealed
                                           under it are re-sealed under SILO_KMS_ROOT_KEY at start
  SILO_KMS_DEFAULT_KEY                     default master key of the embedded service
                                           (default silo-default-key)
  SILO_KMS_KES_ENDPOINT / MINIO_KMS_KES_ENDPOINT   KES servers (or 'silo kms server'),
                                           comma-separated https://host:port; enables the
                                           KES client, tried in turn when one fails
  SILO_KMS_KES_CERT_FILE, SILO_KMS_KES_KEY_FILE   client certificate and key (mutual TLS)
  SILO_KMS_KES_CAPATH                      CA file or directory for the servers' certificates
  SILO_KMS_KES_KEY_NAME                    default master key on the KES server (required)
  (each SILO_KMS_KES_* also as MINIO_KMS_KES_*)
`

// parseKMS reads the SILO_KMS_* (and MINIO_KMS_*) variables into cfg. It
// fails when a value is malformed or when two kinds of key service are
// configured. Nothing is opened here: the server opens the embedded service
// once its drives are formatted.
func parseKMS(getenv getenvFunc, cfg *server.Config) error {
	var kinds []string
	if v := getenv.first("SILO_KMS_SECRET_KEY", "MINIO_KMS_SECRET_KEY"); v != "" {
		k, err := kms.ParseStaticKey(v)
		if err != nil {
			return fmt.Errorf("SILO_KMS_SECRET_KEY: %w", err)
		}
		cfg.KMS = k
		kinds = append(kinds, "SILO_KMS_SECRET_KEY")
	}
	root, err := parseRootKey(getenv)
	if err != nil {
		return err
	}
	if root != nil {
		cfg.KMSRootKey = root
		kinds = append(kinds, "SILO_KMS_ROOT_KEY")
	}
	if cfg.KMSPreviousRootKey, err = parsePreviousRootKey(getenv); err != nil {
		return err
	}
	if cfg.KMSPreviousRootKey != nil && root == nil {
		return errors.New("SILO_KMS_ROOT_KEY_PREVIOUS needs SILO_KMS_ROOT_KEY (the new root key)")
	}
	client, err := parseKES(getenv)
	if err != nil {
		return err
	}
	if client != nil {
		cfg.KMS = client
		kinds = append(kinds, "SILO_KMS_KES_ENDPOINT")
	}
	cfg.KMSDefaultKey = getenv.first("SILO_KMS_DEFAULT_KEY")
	if cfg.KMSDefaultKey != "" && !kms.ValidKeyName(cfg.KMSDefaultKey) {
		return fmt.Errorf("SILO_KMS_DEFAULT_KEY=%q: %w", cfg.KMSDefaultKey, kms.ErrInvalidKeyName)
	}
	if len(kinds) > 1 {
		return fmt.Errorf("more than one key service configured (%s): choose one", strings.Join(kinds, ", "))
	}
	return nil
}

// parseKES builds the KES client from SILO_KMS_KES_* (MINIO_KMS_KES_*);
// nil when no endpoint is set.
func parseKES(getenv getenvFunc) (*kes.Client, error) {
	env := func(suffix string) string {
		return getenv.first("SILO_KMS_KES_"+suffix, "MINIO_KMS_KES_"+suffix)
	}
	endpoints := env("ENDPOINT")
	if endpoints == "" {
		return nil, nil
	}
	var list []string
	for _, e := range strings.Split(endpoints, ",") {
		if e = strings.TrimSpace(e); e != "" {
			list = append(list, e)
		}
	}
	name := env("KEY_NAME")
	if name == "" {
		return nil, errors.New("SILO_KMS_KES_KEY_NAME: the default key name is required with SILO_KMS_KES_ENDPOINT")
	}
	tlsConf, err := kes.ClientTLS(env("CERT_FILE"), env("KEY_FILE"), env("CAPATH"))
	if err != nil {
		return nil, fmt.Errorf("SILO_KMS_KES_CERT_FILE/KEY_FILE/CAPATH: %w", err)
	}
	c, err := kes.New(kes.Config{Endpoints: list, DefaultKey: name, TLS: tlsConf})
	if err != nil {
		return nil, fmt.Errorf("SILO_KMS_KES_ENDPOINT: %w", err)
	}
	return c, nil
}

// parseRootKey reads the embedded service's root key from SILO_KMS_ROOT_KEY
// or the file SILO_KMS_ROOT_KEY_FILE names (base64 of 32 bytes); nil when
// neither is set.
func parseRootKey(getenv getenvFunc) ([]byte, error) {
	return parseSecretEnv(getenv, "SILO_KMS_ROOT_KEY")
}

// parsePreviousRootKey reads SILO_KMS_ROOT_KEY_PREVIOUS(_FILE): the root
// key being rotated away from; nil when unset.
func parsePreviousRootKey(getenv getenvFunc) ([]byte, error) {
	return parseSecretEnv(getenv, "SILO_KMS_ROOT_KEY_PREVIOUS")
}

// parseSecretEnv reads a base64 32-byte key from the variable name or from
// the file that name+"_FILE" names; nil when neither is set.
func parseSecretEnv(getenv getenvFunc, name string) ([]byte, error) {
	src, v := name, getenv.first(name)
	if file := getenv.first(name + "_FILE"); file != "" {
		if v != "" {
			return nil, fmt.Errorf("set %s or %s_FILE, not both", name, name)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s_FILE: %w", name, err)
		}
		src, v = name+"_FILE", strings.TrimSpace(string(data))
	}
	if v == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("%s: not base64: %w", src, err)
	}
	if len(raw) != kms.SecretSize {
		return nil, fmt.Errorf("%s: %d bytes, want %d", src, len(raw), kms.SecretSize)
	}
	return raw, nil
}
