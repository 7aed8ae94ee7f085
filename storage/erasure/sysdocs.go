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
// quorum of every set; a read takes, per name, the answer (a document or
// its absence) held by most answering drives.

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
// as most answering drives hold it. Errors: ErrReadQuorum when fewer
// drives than a set's read quorum answered.
func (s *Store) SystemDocs(ctx context.Context, prefix string) (map[string][]byte, error) {
	var mu sync.Mutex
	perDrive := []map[string][]byte{}
	errs := s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			docs := tx.SysDocs(prefix)
			mu.Lock()
			perDrive = append(perDrive, docs)
			mu.Unlock()
			return nil
		})
	})
	if !bucketQuorum(errs, s.layout.StandardData, func(e error) bool { return e == nil }) {
		return nil, &storage.Error{Op: "SystemDocs", Key: prefix, Err: errors.Join(storage.ErrReadQuorum, firstSetErr(errs))}
	}
	answered := len(perDrive)
	votes := map[string]map[string]int{} // name -> document -> drives
	for _, docs := range perDrive {
		for name, doc := range docs {
			if votes[name] == nil {
				votes[name] = map[string]int{}
			}
			votes[name][string(doc)]++
		}
	}
	out := make(map[string][]byte, len(votes))
	for name, byDoc := range votes {
		best, bestN, present := "", 0, 0
		for doc, n := range byDoc {
			present += n
			if n > bestN || (n == bestN && doc < best) {
				best, bestN = doc, n
			}
		}
		// Drives that answered without the name vote for its absence.
		if bestN > answered-present {
			out[name] = []byte(best)
		}
	}
	return out, nil
}

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
