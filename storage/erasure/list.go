package erasure

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// listEntry is one key (with its quorum view or upload) or common prefix.
type listEntry struct {
	key    string
	prefix bool
	view   *objView
	upload *drive.Upload
	// Set only by a raw lister (see setLister.raw): every drive's record or
	// upload of the key, and which drives answered.
	recs      []*drive.Record
	ups       []*drive.Upload
	responded []bool
}

// setLister walks one set's keys in order, fetching pages from every drive
// with cursor scans and merging them by quorum. Each fetch costs in
// proportion to the page, not to the bucket.
type setLister struct {
	ctx    context.Context
	s      *Store
	st     *set
	bucket string
	opts   drive.ScanOptions
	limit  int
	start  string
	done   bool
	buf    []listEntry
	// raw emits every key found on any drive, with each drive's record or
	// upload, instead of the quorum view (the dangling-record sweep).
	raw bool
}

func (l *setLister) peek() (*listEntry, error) {
	for len(l.buf) == 0 && !l.done {
		if err := l.fetch(); err != nil {
			return nil, err
		}
	}
	if len(l.buf) == 0 {
		return nil, nil
	}
	return &l.buf[0], nil
}

func (l *setLister) pop() { l.buf = l.buf[1:] }

func (l *setLister) fetch() error {
	n := l.st.n()
	results := make([][]drive.Entry, n)
	mores := make([]bool, n)
	opts := l.opts
	opts.Start, opts.Limit = l.start, l.limit
	errs := l.st.forEach(func(p int, d *drive.Drive) error {
		return d.View(l.ctx, func(tx *drive.Tx) error {
			es, more, err := tx.Scan(l.bucket, opts)
			results[p], mores[p] = es, more
			return err
		})
	})
	responded, err := l.s.quorumResponses(l.ctx, errs)
	if err != nil {
		return err
	}
	// Entries up to the smallest last key of the drives that have more are
	// complete on every drive.
	cut, hasCut := "", false
	for p := range results {
		if !responded[p] {
			results[p] = nil
			continue
		}
		if mores[p] && len(results[p]) > 0 {
			last := results[p][len(results[p])-1].Key
			if !hasCut || last < cut {
				cut, hasCut = last, true
			}
		}
	}
	// Each drive's entries are sorted and unique: merge them, taking the
	// smallest head key and every drive that has it.
	rq := l.s.layout.StandardData
	l.buf = l.buf[:0]
	cutIsPrefix := false
	for {
		key, found := "", false
		for _, es := range results {
			if len(es) > 0 && (!found || es[0].Key < key) {
				key, found = es[0].Key, true
			}
		}
		if !found || (hasCut && key > cut) {
			break
		}
		count, prefix := 0, false
		var recs []*drive.Record
		var ups []*drive.Upload
		for p, es := range results {
			if len(es) == 0 || es[0].Key != key {
				continue
			}
			e := &es[0]
			results[p] = es[1:]
			count++
			if e.Prefix {
				prefix = true
				continue
			}
			if opts.Uploads {
				var u drive.Upload
				if json.Unmarshal(e.Value, &u) == nil {
					if ups == nil {
						ups = make([]*drive.Upload, n)
					}
					ups[p] = &u
				}
			} else {
				if recs == nil {
					recs = make([]*drive.Record, n)
				}
				recs[p] = e.Record
			}
		}
		if key == cut {
			cutIsPrefix = prefix
		}
		switch {
		case l.raw:
			if recs == nil {
				recs = make([]*drive.Record, n)
			}
			if ups == nil {
				ups = make([]*drive.Upload, n)
			}
			l.buf = append(l.buf, listEntry{key: key, recs: recs, ups: ups, responded: responded})
		case prefix:
			if count >= rq {
				l.buf = append(l.buf, listEntry{key: key, prefix: true})
			}
		case opts.Uploads:
			var u *drive.Upload
			c := 0
			for _, x := range ups {
				if x != nil {
					c++
					if u == nil {
						u = x
					}
				}
			}
			if u != nil && c >= max(u.Data, 1) {
				l.buf = append(l.buf, listEntry{key: key, upload: u})
			}
		default:
			view := mergeRecords(recs, responded)
			if len(view.versions) > 0 {
				l.buf = append(l.buf, listEntry{key: key, view: view})
			}
		}
	}
	if !hasCut {
		l.done = true
		return nil
	}
	if cutIsPrefix {
		l.start = drive.PrefixEnd(cut)
		if l.start == "" {
			l.done = true
		}
	} else {
		l.start = cut + "\x00"
	}
	return nil
}

// merger merges the set listers of a bucket (sets hold disjoint keys; a
// common prefix may come from several sets and is returned once).
type merger struct{ ls []*setLister }

func (s *Store) newMerger(ctx context.Context, bucket string, opts drive.ScanOptions, start string, limit int) *merger {
	m := &merger{}
	for _, st := range s.sets {
		m.ls = append(m.ls, &setLister{ctx: ctx, s: s, st: st, bucket: bucket, opts: opts, limit: limit, start: start})
	}
	return m
}

func (m *merger) next() (*listEntry, error) {
	var best *listEntry
	for _, l := range m.ls {
		e, err := l.peek()
		if err != nil {
			return nil, err
		}
		if e != nil && (best == nil || e.key < best.key) {
			best = e
		}
	}
	if best == nil {
		return nil, nil
	}
	out := *best
	for _, l := range m.ls {
		if e, _ := l.peek(); e != nil && e.key == out.key {
			l.pop()
		}
	}
	return &out, nil
}

// listStart returns where a listing after marker begins: past the marker,
// or past its whole common prefix when the marker rolls up into one.
func listStart(prefix, marker, delimiter string) (string, bool) {
	if marker == "" || marker < prefix {
		return prefix, true
	}
	if delimiter != "" && strings.HasPrefix(marker, prefix) {
		if i := strings.Index(marker[len(prefix):], delimiter); i >= 0 {
			end := drive.PrefixEnd(marker[:len(prefix)+i+len(delimiter)])
			return end, end != ""
		}
	}
	return marker + "\x00", true
}

func pageSize(n int) int {
	if n <= 0 || n > storage.MaxListKeys {
		return storage.MaxListKeys
	}
	return n
}

// ListObjects returns one page of latest, non-deleted versions.
func (s *Store) ListObjects(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListResult, error) {
	var res storage.ListResult
	if _, err := s.bucketMeta(ctx, bucket); err != nil {
		return res, &storage.Error{Op: "ListObjects", Bucket: bucket, Err: err}
	}
	max := pageSize(opts.MaxKeys)
	start, ok := listStart(opts.Prefix, opts.Marker, opts.Delimiter)
	if !ok {
		return res, nil
	}
	m := s.newMerger(ctx, bucket, drive.ScanOptions{Prefix: opts.Prefix, Delimiter: opts.Delimiter, SkipDeleted: true}, start, max+1)
	count := 0
	for {
		e, err := m.next()
		if err != nil {
			return res, &storage.Error{Op: "ListObjects", Bucket: bucket, Err: err}
		}
		if e == nil {
			break
		}
		if !e.prefix && (len(e.view.versions) == 0 || e.view.versions[0].v.DeleteMarker) {
			continue
		}
		if count == max {
			res.IsTruncated = true
			break
		}
		count++
		if e.prefix {
			res.CommonPrefixes = append(res.CommonPrefixes, e.key)
		} else {
			res.Objects = append(res.Objects, e.view.versions[0].info(bucket, e.key, true))
		}
		res.NextMarker = e.key
	}
	if !res.IsTruncated {
		res.NextMarker = ""
	}
	return res, nil
}

// ListObjectVersions returns one page of all versions, newest first per key.
func (s *Store) ListObjectVersions(ctx context.Context, bucket string, opts storage.ListVersionsOptions) (storage.ListVersionsResult, error) {
	var res storage.ListVersionsResult
	op := "ListObjectVersions"
	if _, err := s.bucketMeta(ctx, bucket); err != nil {
		return res, &storage.Error{Op: op, Bucket: bucket, Err: err}
	}
	if opts.VersionIDMarker != "" {
		if err := checkVersionID(opts.VersionIDMarker); err != nil {
			return res, &storage.Error{Op: op, Bucket: bucket, Err: err}
		}
	}
	max := pageSize(opts.MaxKeys)
	start, ok := opts.Prefix, true
	skipUntil := ""
	switch {
	case opts.KeyMarker != "" && opts.VersionIDMarker != "":
		start = opts.KeyMarker
		if start < opts.Prefix {
			start = opts.Prefix
		}
		skipUntil = opts.VersionIDMarker
	case opts.KeyMarker != "":
		start, ok = listStart(opts.Prefix, opts.KeyMarker, opts.Delimiter)
	}
	if !ok {
		return res, nil
	}
	m := s.newMerger(ctx, bucket, drive.ScanOptions{Prefix: opts.Prefix, Delimiter: opts.Delimiter}, start, max+1)
	count := 0
	for {
		e, err := m.next()
		if err != nil {
			return res, &storage.Error{Op: op, Bucket: bucket, Err: err}
		}
		if e == nil {
			break
		}
		if e.prefix {
			if count == max {
				res.IsTruncated = true
				break
			}
			count++
			res.CommonPrefixes = append(res.CommonPrefixes, e.key)
			res.NextKeyMarker, res.NextVersionIDMarker = e.key, ""
			continue
		}
		versions := e.view.versions
		if skipUntil != "" && e.key == opts.KeyMarker {
			i := 0
			for i < len(versions) && versions[i].v.ID != skipUntil {
				i++
			}
			versions = versions[min(i+1, len(versions)):]
		}
		for _, vv := range versions {
			if count == max {
				res.IsTruncated = true
				break
			}
			count++
			res.Versions = append(res.Versions, vv.info(bucket, e.key, vv == e.view.versions[0]))
			res.NextKeyMarker, res.NextVersionIDMarker = e.key, vv.v.ID
		}
		if res.IsTruncated {
			break
		}
	}
	if !res.IsTruncated {
		res.NextKeyMarker, res.NextVersionIDMarker = "", ""
	}
	return res, nil
}

// ListMultipartUploads returns a page of uploads in key then initiation order.
func (s *Store) ListMultipartUploads(ctx context.Context, bucket string, opts storage.ListUploadsOptions) (storage.ListUploadsResult, error) {
	var res storage.ListUploadsResult
	op := "ListMultipartUploads"
	if _, err := s.bucketMeta(ctx, bucket); err != nil {
		return res, &storage.Error{Op: op, Bucket: bucket, Err: err}
	}
	max := pageSize(opts.MaxUploads)
	start, ok := opts.Prefix, true
	switch {
	case opts.KeyMarker != "" && opts.UploadIDMarker != "":
		start = opts.KeyMarker + "\x00" + opts.UploadIDMarker + "\x00"
	case opts.KeyMarker != "":
		start, ok = listStart(opts.Prefix, opts.KeyMarker, opts.Delimiter)
		if ok && start == opts.KeyMarker+"\x00" {
			start = opts.KeyMarker + "\x01"
		}
	}
	if !ok {
		return res, nil
	}
	m := s.newMerger(ctx, bucket, drive.ScanOptions{Prefix: opts.Prefix, Delimiter: opts.Delimiter, Uploads: true}, start, max+1)
	count := 0
	for {
		e, err := m.next()
		if err != nil {
			return res, &storage.Error{Op: op, Bucket: bucket, Err: err}
		}
		if e == nil {
			break
		}
		if count == max {
			res.IsTruncated = true
			break
		}
		count++
		if e.prefix {
			res.CommonPrefixes = append(res.CommonPrefixes, e.key)
			res.NextKeyMarker, res.NextUploadIDMarker = e.key, ""
			continue
		}
		res.Uploads = append(res.Uploads, uploadInfo(e.upload))
		res.NextKeyMarker, res.NextUploadIDMarker = e.upload.Key, e.upload.ID
	}
	if !res.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = "", ""
	}
	return res, nil
}
