package erasure

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// System documents are small named documents of the deployment itself (the
// IAM store), kept in every drive's metadata database outside any S3
// bucket, so no S3 request can name them. A write must reach the write
// quorum of every set; a read takes, per name, the version most drives
// hold if a read quorum of one set holds it (sysDocVotes.visible).

// maxSysDocName bounds system document names.
const maxSysDocName = 1024

// PutSystemDoc stores doc under name on every drive. Errors: ErrWriteQuorum.
func (s *Store) PutSystemDoc(ctx context.Context, name string, doc []byte) error {
	if doc == nil {
		doc = []byte{}
	}
	return s.writeSysDoc(ctx, "PutSystemDoc", name, doc)
}

// DeleteSystemDoc removes the document called name; a missing one is not
// an error. Errors: ErrWriteQuorum.
func (s *Store) DeleteSystemDoc(ctx context.Context, name string) error {
	return s.writeSysDoc(ctx, "DeleteSystemDoc", name, nil)
}

func (s *Store) writeSysDoc(ctx context.Context, op, name string, doc []byte) error {
	if name == "" || len(name) > maxSysDocName {
		return &storage.Error{Op: op, Key: name, Err: fmt.Errorf("invalid system document name: %w", storage.ErrInvalidObjectName)}
	}
	unlock := s.locks.lock("\x00sysdoc/" + name)
	defer unlock()
	errs := s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		_, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.PutSysDoc(name, doc) })
		return err
	})
	wq := writeQuorum(s.layout.StandardData, s.layout.StandardParity)
	if !bucketQuorum(errs, wq, func(e error) bool { return e == nil }) {
		return &storage.Error{Op: op, Key: name, Err: errors.Join(storage.ErrWriteQuorum, firstSetErr(errs))}
	}
	return nil
}

// SystemDocs returns every system document whose name starts with prefix,
// as the drives hold it (see sysDocVotes.visible). Errors: ErrReadQuorum
// when fewer drives than a set's read quorum answered.
func (s *Store) SystemDocs(ctx context.Context, prefix string) (map[string][]byte, error) {
	held, errs := s.readSysDocs(ctx, prefix)
	if !bucketQuorum(errs, s.layout.StandardData, func(e error) bool { return e == nil }) {
		return nil, &storage.Error{Op: "SystemDocs", Key: prefix, Err: errors.Join(storage.ErrReadQuorum, firstSetErr(errs))}
	}
	out := map[string][]byte{}
	for name, v := range voteSysDocs(held) {
		if doc, ok := v.visible(s.layout.StandardData); ok {
			out[name] = []byte(doc)
		}
	}
	return out, nil
}

// heldDocs is what one drive of a set holds.
type heldDocs struct {
	set  int
	d    *drive.Drive
	docs map[string][]byte
}

// readSysDocs reads the system documents under prefix from every online drive.
func (s *Store) readSysDocs(ctx context.Context, prefix string) ([]heldDocs, [][]error) {
	var mu sync.Mutex
	var held []heldDocs
	errs := s.allDrives(func(st *set, _ int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			docs := tx.SysDocs(prefix)
			mu.Lock()
			held = append(held, heldDocs{st.index, d, docs})
			mu.Unlock()
			return nil
		})
	})
	return held, errs
}

// sysDocVotes counts, for one name, the drives holding each version of the
// document, in total and per set, and the drives without it per set.
type sysDocVotes struct {
	total  map[string]int
	perSet map[string]map[int]int
	absent map[int]int
}

// best returns the version most drives hold (the smallest on a tie, so
// that every reader picks the same) and whether another has as many.
func (v *sysDocVotes) best() (doc string, n int, tie bool) {
	for d, c := range v.total {
		switch {
		case c > n || (c == n && d < doc):
			tie = c == n
			doc, n = d, c
		case c == n:
			tie = true
		}
	}
	return doc, n, tie
}

// visible returns the version readers see, if any: the best one, provided
// one set holds it on at least a read quorum of drives. A write reaches
// the write quorum of every set, which is more than the read quorum,
// while a version overwritten or deleted since is left on fewer drives
// than the read quorum in every set (the parity at most), so it is never
// seen. A replaced, empty drive does not hide a document it lacks.
func (v *sysDocVotes) visible(readQuorum int) (string, bool) {
	doc, n, _ := v.best()
	if n == 0 {
		return "", false
	}
	for _, c := range v.perSet[doc] {
		if c >= readQuorum {
			return doc, true
		}
	}
	return "", false
}

// voteSysDocs counts the versions of every name held by any drive.
func voteSysDocs(held []heldDocs) map[string]*sysDocVotes {
	votes := map[string]*sysDocVotes{}
	for _, h := range held {
		for name, doc := range h.docs {
			v := votes[name]
			if v == nil {
				v = &sysDocVotes{total: map[string]int{}, perSet: map[string]map[int]int{}, absent: map[int]int{}}
				votes[name] = v
			}
			v.total[string(doc)]++
			if v.perSet[string(doc)] == nil {
				v.perSet[string(doc)] = map[int]int{}
			}
			v.perSet[string(doc)][h.set]++
		}
	}
	for name, v := range votes {
		for _, h := range held {
			if _, ok := h.docs[name]; !ok {
				v.absent[h.set]++
			}
		}
	}
	return votes
}

// healSysDocs makes every drive hold the system documents that reads
// return: a drive that was replaced (empty) or offline while the IAM store
// changed gets the current documents, and loses the ones deleted since.
// It runs only when every drive answered. A visible document is copied
// where it differs unless another version has as many drives (a tie is
// left as it is rather than decided here); a document is removed only
// where a write quorum of every set lacks it (an acknowledged delete, or
// more drives lost than the parity, when no read could see it anyway).
// Each document found needing a fix is read again and fixed under its
// lock, so a write or delete of it cannot interleave. It returns how many
// documents it wrote or removed.
func (s *Store) healSysDocs(ctx context.Context) (total int, err error) {
	held, errs := s.readSysDocs(ctx, "")
	if firstSetErr(errs) != nil {
		return 0, errNotAllDrives
	}
	var names []string
	for name, v := range voteSysDocs(held) {
		if len(s.sysDocFixes(held, name, v)) > 0 {
			names = append(names, name)
		}
	}
	for _, name := range names {
		n, err := s.healSysDoc(ctx, name)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// healSysDoc fixes one system document on the drives that differ, reading
// it again under its lock.
func (s *Store) healSysDoc(ctx context.Context, name string) (int, error) {
	unlock := s.locks.lock("\x00sysdoc/" + name)
	defer unlock()
	held, errs := s.readSysDocs(ctx, name)
	if firstSetErr(errs) != nil {
		return 0, errNotAllDrives
	}
	for i, h := range held { // the prefix read also found longer names
		only := map[string][]byte{}
		if doc, ok := h.docs[name]; ok {
			only[name] = doc
		}
		held[i].docs = only
	}
	v := voteSysDocs(held)[name]
	if v == nil {
		return 0, nil
	}
	n := 0
	for _, f := range s.sysDocFixes(held, name, v) {
		if _, err := f.d.Update(ctx, func(tx *drive.Tx) error { return tx.PutSysDoc(name, f.doc) }); err != nil {
			return n, fmt.Errorf("heal system document %s on %s: %w", name, f.d.Root(), err)
		}
		n++
	}
	return n, nil
}

// sysDocFix is one drive's repair of a document: doc, or nil to delete it.
type sysDocFix struct {
	d   *drive.Drive
	doc []byte
}

// sysDocFixes returns the repairs healSysDocs makes for name (see there).
func (s *Store) sysDocFixes(held []heldDocs, name string, v *sysDocVotes) []sysDocFix {
	var out []sysDocFix
	if doc, ok := v.visible(s.layout.StandardData); ok {
		if _, _, tie := v.best(); tie {
			return nil
		}
		for _, h := range held {
			if cur, has := h.docs[name]; !has || string(cur) != doc {
				out = append(out, sysDocFix{h.d, []byte(doc)})
			}
		}
		return out
	}
	wq := writeQuorum(s.layout.StandardData, s.layout.StandardParity)
	for _, st := range s.sets {
		if v.absent[st.index] < wq {
			return nil
		}
	}
	for _, h := range held {
		if _, has := h.docs[name]; has {
			out = append(out, sysDocFix{h.d, nil})
		}
	}
	return out
}

// errNotAllDrives: healSysDocs needs every drive's answer.
var errNotAllDrives = errors.New("not every drive answered")

// firstSetErr returns the first non-nil error of errs, or nil.
func firstSetErr(errs [][]error) error {
	for _, se := range errs {
		for _, e := range se {
			if e != nil {
				return e
			}
		}
	}
	return nil
}
