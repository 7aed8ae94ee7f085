package keystore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/silo-project/silo/kms"
)

// DefaultKeyName is the default master key when Config.DefaultKey is "".
const DefaultKeyName = "silo-default-key"

// Config describes a Store.
type Config struct {
	// Dirs are the directories holding the keystore, typically one per
	// drive. Every change is written to all of them and needs a majority;
	// opening needs at least half of them readable.
	Dirs []string
	// Root seals every master key. It must come from outside Dirs (the
	// environment, a file elsewhere); a wrong root key fails Open.
	Root kms.Secret
	// PreviousRoots still open the keystore: files sealed under one of
	// them are re-sealed under Root by Open. This rotates the root key:
	// start once with the new Root and the old key here, then drop it.
	PreviousRoots []kms.Secret
	// DefaultKey names the default master key, created by Open when it does
	// not exist; "" means DefaultKeyName.
	DefaultKey string
	// Name is reported by Status ("builtin" when "").
	Name string
	// Logger receives heal and drive warnings; nil means slog.Default().
	Logger *slog.Logger
}

// Store is a kms.KMS over a directory keystore. Master keys are unsealed
// into memory at Open; changes go to disk before they become visible. One
// process owns the directories. Safe for concurrent use.
type Store struct {
	cfg Config
	log *slog.Logger

	mu   sync.RWMutex // guards keys; writers also serialise disk changes
	keys map[string]entry
}

type entry struct {
	id      string
	secret  kms.Secret
	created time.Time
}

var (
	_ kms.KMS          = (*Store)(nil)
	_ kms.KeyDescriber = (*Store)(nil)
)

func (s *Store) writeQuorum() int { return len(s.cfg.Dirs)/2 + 1 }
func (s *Store) readQuorum() int  { return len(s.cfg.Dirs) - s.writeQuorum() + 1 }

// Open loads the keystore in cfg.Dirs (creating the directories as needed),
// heals copies missing on some directories, and creates the default key. It
// fails when fewer than half the directories are readable, when the root
// key does not open the keystore, or when a change cannot reach a majority.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if len(cfg.Dirs) == 0 {
		return nil, errors.New("keystore: no directories")
	}
	if cfg.DefaultKey == "" {
		cfg.DefaultKey = DefaultKeyName
	}
	if !kms.ValidKeyName(cfg.DefaultKey) {
		return nil, fmt.Errorf("keystore: default key %q: %w", cfg.DefaultKey, kms.ErrInvalidKeyName)
	}
	if cfg.Name == "" {
		cfg.Name = "builtin"
	}
	s := &Store{cfg: cfg, log: cfg.Logger, keys: map[string]entry{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	if err := s.CreateKey(ctx, cfg.DefaultKey); err != nil && !errors.Is(err, kms.ErrKeyExists) {
		return nil, fmt.Errorf("keystore: default key %q: %w", cfg.DefaultKey, err)
	}
	return s, nil
}

// load reads every directory, checks the root key, picks the live copy of
// each key and heals the directories that lack it.
func (s *Store) load() error {
	contents := make([]*dirContent, len(s.cfg.Dirs))
	readable := 0
	for i, dir := range s.cfg.Dirs {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			s.log.Warn("keystore directory unusable", "dir", dir, "err", err)
			continue
		}
		c, err := readDir(dir)
		if err != nil {
			s.log.Warn("keystore directory unreadable", "dir", dir, "err", err)
			continue
		}
		contents[i] = &c
		readable++
	}
	if readable < s.readQuorum() {
		return fmt.Errorf("keystore: %d of %d directories readable, need %d: %w",
			readable, len(s.cfg.Dirs), s.readQuorum(), kms.ErrUnavailable)
	}
	if err := s.checkRoot(contents); err != nil {
		return err
	}

	deleted := map[string]bool{}
	for _, c := range contents {
		if c != nil {
			for k := range c.deleted {
				deleted[k] = true
			}
		}
	}
	type candidate struct {
		kf       keyFile
		raw      []byte
		secret   kms.Secret
		resealed bool // raw was re-sealed under the current root here
	}
	live := map[string]candidate{}
	for _, c := range contents {
		if c == nil {
			continue
		}
		for name, raw := range c.keys {
			kf, secret, used, err := parseKeyFile(s.roots(), name, raw)
			if err != nil {
				s.log.Warn("keystore: ignoring unreadable key file", "key", name, "err", err)
				continue
			}
			if used > 0 {
				// Sealed under a previous root key: re-seal under the
				// current one; the heal below writes it everywhere.
				if kf.Sealed, err = s.cfg.Root.Seal(secret.Bytes(), keyAD(kf.Name, kf.ID)); err != nil {
					return err
				}
				if raw, err = json.Marshal(kf); err != nil {
					return err
				}
			}
			if deleted[name+"\x00"+kf.ID] {
				continue
			}
			if cur, ok := live[name]; !ok || kf.Created.After(cur.kf.Created) || (cur.resealed && kf.ID == cur.kf.ID) {
				live[name] = candidate{kf: kf, raw: raw, secret: secret, resealed: used > 0}
			}
		}
	}
	for name, cand := range live {
		s.keys[name] = entry{id: cand.kf.ID, secret: cand.secret, created: cand.kf.Created}
	}
	// Heal: every readable directory gets the live copies and tombstones,
	// and loses copies of deleted keys. Failures only warn: the keystore
	// still has its quorum.
	for i, c := range contents {
		if c == nil {
			continue
		}
		dir := s.cfg.Dirs[i]
		for name, cand := range live {
			if string(c.keys[name]) != string(cand.raw) {
				if err := writeAtomic(dir, name+keyExt, cand.raw); err != nil {
					s.log.Warn("keystore heal failed", "dir", dir, "key", name, "err", err)
				}
			}
		}
		for name := range c.keys {
			if _, ok := live[name]; !ok {
				if err := removeSynced(dir, name+keyExt); err != nil {
					s.log.Warn("keystore heal failed", "dir", dir, "key", name, "err", err)
				}
			}
		}
		for k := range deleted {
			if !c.deleted[k] {
				name, id, _ := cutTombstoneKey(k)
				if err := writeAtomic(dir, tombstoneName(name, id), nil); err != nil {
					s.log.Warn("keystore heal failed", "dir", dir, "key", name, "err", err)
				}
			}
		}
	}
	return nil
}

func cutTombstoneKey(k string) (name, id string, ok bool) {
	for i := 0; i < len(k); i++ {
		if k[i] == 0 {
			return k[:i], k[i+1:], true
		}
	}
	return "", "", false
}

// roots returns the root keys that open the keystore, current first.
func (s *Store) roots() []kms.Secret {
	return append([]kms.Secret{s.cfg.Root}, s.cfg.PreviousRoots...)
}

// checkRoot verifies the root checks: at least one must open under the
// current or a previous root key (else the root key is wrong). Directories
// whose check is missing, sealed under a previous root or foreign get a
// check under the current root.
func (s *Store) checkRoot(contents []*dirContent) error {
	var current []byte // a check sealed under the current root
	found, opened := 0, 0
	for _, c := range contents {
		if c == nil || c.check == nil {
			continue
		}
		found++
		for i, root := range s.roots() {
			if _, err := root.Unseal(c.check, []byte(rootCheckAD)); err == nil {
				opened++
				if i == 0 {
					current = c.check
				}
				break
			}
		}
	}
	if found > 0 && opened == 0 {
		return errors.New("keystore: the root key does not open this keystore (wrong SILO_KMS_ROOT_KEY?)")
	}
	if current == nil {
		v, err := kms.GenerateSecret(nil)
		if err != nil {
			return err
		}
		if current, err = s.cfg.Root.Seal(v.Bytes(), []byte(rootCheckAD)); err != nil {
			return err
		}
	}
	ok := 0
	for i, c := range contents {
		if c == nil {
			continue
		}
		if c.check != nil {
			if _, err := s.cfg.Root.Unseal(c.check, []byte(rootCheckAD)); err == nil {
				ok++
				continue
			}
		}
		if err := writeAtomic(s.cfg.Dirs[i], rootCheckFile, current); err != nil {
			s.log.Warn("keystore: cannot write root check", "dir", s.cfg.Dirs[i], "err", err)
			continue
		}
		ok++
	}
	if ok < s.writeQuorum() {
		return fmt.Errorf("keystore: root check on %d of %d directories, need %d: %w",
			ok, len(s.cfg.Dirs), s.writeQuorum(), kms.ErrUnavailable)
	}
	return nil
}

// everyDir runs fn on each directory and reports how many succeeded.
func (s *Store) everyDir(fn func(dir string) error) (ok int, errs []error) {
	for _, dir := range s.cfg.Dirs {
		if err := fn(dir); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", dir, err))
			continue
		}
		ok++
	}
	return ok, errs
}

// CreateKey creates a random master key and stores it sealed on every
// directory. ErrKeyExists, ErrInvalidKeyName; ErrUnavailable when fewer
// than a majority of the directories took it (nothing is kept then).
func (s *Store) CreateKey(ctx context.Context, name string) error {
	if !kms.ValidKeyName(name) {
		return fmt.Errorf("%w: %q", kms.ErrInvalidKeyName, name)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[name]; ok {
		return fmt.Errorf("%w: %q", kms.ErrKeyExists, name)
	}
	secret, err := kms.GenerateSecret(nil)
	if err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	sealed, err := s.cfg.Root.Seal(secret.Bytes(), keyAD(name, id))
	if err != nil {
		return err
	}
	created := time.Now().UTC().Truncate(time.Second)
	raw, err := json.Marshal(keyFile{Version: fileVersion, Name: name, ID: id, Created: created, Sealed: sealed})
	if err != nil {
		return err
	}
	ok, errs := s.everyDir(func(dir string) error { return writeAtomic(dir, name+keyExt, raw) })
	if ok < s.writeQuorum() {
		s.everyDir(func(dir string) error { return removeSynced(dir, name+keyExt) })
		return fmt.Errorf("keystore: create %q: %w: %w", name, kms.ErrUnavailable, errors.Join(errs...))
	}
	s.keys[name] = entry{id: id, secret: secret, created: created}
	return nil
}

// DeleteKey removes a master key from every directory, leaving a tombstone
// so that a copy on a directory that was away is not brought back.
// ErrKeyNotFound; ErrUnavailable when fewer than a majority took the change.
func (s *Store) DeleteKey(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.keys[name]
	if !ok {
		return fmt.Errorf("%w: %q", kms.ErrKeyNotFound, name)
	}
	tomb := tombstoneName(name, e.id)
	ok2, errs := s.everyDir(func(dir string) error { return writeAtomic(dir, tomb, nil) })
	if ok2 < s.writeQuorum() {
		s.everyDir(func(dir string) error { return removeSynced(dir, tomb) })
		return fmt.Errorf("keystore: delete %q: %w: %w", name, kms.ErrUnavailable, errors.Join(errs...))
	}
	delete(s.keys, name)
	if _, errs := s.everyDir(func(dir string) error { return removeSynced(dir, name+keyExt) }); len(errs) > 0 {
		s.log.Warn("keystore: deleted key file left behind (tombstoned)", "key", name, "err", errors.Join(errs...))
	}
	return nil
}

// ListKeys returns the sorted names matching pattern.
func (s *Store) ListKeys(ctx context.Context, pattern string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := []string{}
	for name := range s.keys {
		if kms.MatchPattern(pattern, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// DescribeKey returns the name and creation time of a key. ErrKeyNotFound.
func (s *Store) DescribeKey(ctx context.Context, name string) (kms.KeyInfo, error) {
	if err := ctx.Err(); err != nil {
		return kms.KeyInfo{}, err
	}
	s.mu.RLock()
	e, ok := s.keys[name]
	s.mu.RUnlock()
	if !ok {
		return kms.KeyInfo{}, fmt.Errorf("%w: %q", kms.ErrKeyNotFound, name)
	}
	return kms.KeyInfo{Name: name, CreatedAt: e.created}, nil
}

func (s *Store) lookup(name string) (string, kms.Secret, error) {
	if name == "" {
		name = s.cfg.DefaultKey
	}
	s.mu.RLock()
	e, ok := s.keys[name]
	s.mu.RUnlock()
	if !ok {
		return name, kms.Secret{}, fmt.Errorf("%w: %q", kms.ErrKeyNotFound, name)
	}
	return name, e.secret, nil
}

// GenerateKey returns a data key sealed under the named master key ("" is
// the default key). ErrKeyNotFound.
func (s *Store) GenerateKey(ctx context.Context, name string, c kms.Context) (kms.DEK, error) {
	text, err := c.MarshalText()
	if err != nil {
		return kms.DEK{}, fmt.Errorf("keystore: encode context: %w", err)
	}
	return s.Generate(ctx, name, text)
}

// Decrypt unseals a data key of GenerateKey. ErrKeyNotFound, ErrDecrypt.
func (s *Store) Decrypt(ctx context.Context, name string, ciphertext []byte, c kms.Context) ([]byte, error) {
	text, err := c.MarshalText()
	if err != nil {
		return nil, fmt.Errorf("keystore: encode context: %w", err)
	}
	return s.Unseal(ctx, name, ciphertext, text)
}

// Generate is GenerateKey with the context already encoded, as a KES client
// sends it: the bytes are bound as they are. ErrKeyNotFound.
func (s *Store) Generate(ctx context.Context, name string, context []byte) (kms.DEK, error) {
	if err := ctx.Err(); err != nil {
		return kms.DEK{}, err
	}
	name, secret, err := s.lookup(name)
	if err != nil {
		return kms.DEK{}, err
	}
	return kms.GenerateDEK(name, secret, context)
}

// Unseal is Decrypt with the context already encoded. ErrKeyNotFound,
// ErrDecrypt.
func (s *Store) Unseal(ctx context.Context, name string, ciphertext, context []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name, secret, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	return kms.DecryptDEK(name, secret, ciphertext, context)
}

// Status reports the store as online with its default key.
func (s *Store) Status(ctx context.Context) (kms.Status, error) {
	if err := ctx.Err(); err != nil {
		return kms.Status{}, err
	}
	return kms.Status{Name: s.cfg.Name, Online: true, DefaultKey: s.cfg.DefaultKey}, nil
}

// DefaultKey returns the default master key's name.
func (s *Store) DefaultKey() string { return s.cfg.DefaultKey }
