package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/crypt"
)

// errSealed stops the first read of an encrypted object: its range must be
// mapped onto the ciphertext before data is read.
var errSealed = errors.New("api: object is encrypted")

// errVersionChanged: the object was replaced between the two reads of an encrypted object.
var errVersionChanged = errors.New("api: object changed while opening it")

// msgSSENotApplicable answers SSE-C keys sent for an object not encrypted with one.
const msgSSENotApplicable = "The encryption parameters are not applicable to this object."

// plainInfo returns info as clients see it: for an encrypted object the
// plaintext size and part sizes, with its sealed state (nil when stored in
// the clear).
func plainInfo(info storage.ObjectInfo) (storage.ObjectInfo, *crypt.Sealed, error) {
	sealed, ok, err := crypt.Parse(info.Internal)
	if err != nil || !ok {
		return info, nil, err
	}
	out := info
	var total int64
	if len(info.Parts) > 0 {
		out.Parts = make([]storage.ObjectPart, len(info.Parts))
		for i, p := range info.Parts {
			n, err := crypt.DecryptedSize(p.Size)
			if err != nil {
				return info, nil, fmt.Errorf("%s/%s part %d: %w", info.Bucket, info.Key, p.Number, err)
			}
			p.Size, total = n, total+n
			out.Parts[i] = p
		}
	} else if total, err = crypt.DecryptedSize(info.Size); err != nil {
		return info, nil, fmt.Errorf("%s/%s: %w", info.Bucket, info.Key, err)
	}
	out.Size = total
	if sealed.Size >= 0 {
		out.Size = sealed.Size
	}
	return out, &sealed, nil
}

// listedSize is the size a listing shows: the plaintext size of an encrypted object.
func listedSize(o storage.ObjectInfo) int64 {
	if s, ok, err := crypt.Parse(o.Internal); err == nil && ok && s.Size >= 0 {
		return s.Size
	}
	return o.Size
}

// cipherParts lists the stored parts of an encrypted object.
func cipherParts(info storage.ObjectInfo) []crypt.Part {
	if len(info.Parts) == 0 {
		return []crypt.Part{{Number: 1, Size: info.Size}}
	}
	out := make([]crypt.Part, len(info.Parts))
	for i, p := range info.Parts {
		out[i] = crypt.Part{Number: p.Number, Size: p.Size}
	}
	return out
}

// objectRead is what openObject reads.
type objectRead struct {
	bucket, key string
	versionID   string
	partNumber  int
	rng         *storage.Range // plaintext range
	// precondition runs on the plaintext view before any data is read.
	precondition func(storage.ObjectInfo) error
	// ck is the request's SSE-C key for this object (nil when none was sent).
	ck *customerKey
}

// openObject opens an object for reading, decrypting it when it is
// encrypted. It returns the plaintext view of the object and its sealed
// state (nil for a plain object). Plain objects cost one store read;
// encrypted ones a metadata read more, to map the range onto the packages.
func (s *server) openObject(c *call, rd objectRead) (io.ReadCloser, storage.ObjectInfo, *crypt.Sealed, error) {
	for attempt := 0; ; attempt++ {
		rc, info, sealed, err := s.openOnce(c, rd)
		if errors.Is(err, errVersionChanged) && attempt < 3 {
			continue
		}
		return rc, info, sealed, err
	}
}

func (s *server) openOnce(c *call, rd objectRead) (io.ReadCloser, storage.ObjectInfo, *crypt.Sealed, error) {
	var seen storage.ObjectInfo
	var sealed *crypt.Sealed
	opts := storage.GetOptions{VersionID: rd.versionID, PartNumber: rd.partNumber, Precondition: func(info storage.ObjectInfo) error {
		plain, sl, err := plainInfo(info)
		if err != nil {
			return err
		}
		if sl != nil {
			seen, sealed = info, sl
			return errSealed
		}
		if rd.precondition != nil {
			if err := rd.precondition(plain); err != nil {
				return err
			}
		}
		if rd.ck != nil {
			return s3err.New(s3err.InvalidRequest, msgSSENotApplicable)
		}
		return nil
	}}
	rc, info, err := s.store.GetObject(c.ctx, rd.bucket, rd.key, rd.rng, opts)
	if !errors.Is(err, errSealed) {
		return rc, info, nil, err
	}
	plain, _, _ := plainInfo(seen)
	if rd.precondition != nil {
		if err := rd.precondition(plain); err != nil {
			return nil, plain, sealed, err
		}
	}
	key, err := s.unsealKey(c, seen, sealed, rd.ck)
	if err != nil {
		return nil, plain, sealed, err
	}
	off, length := int64(0), plain.Size
	if rd.partNumber > 0 {
		o, n, ok := partRange(plain, rd.partNumber)
		if !ok {
			return nil, plain, sealed, storage.ErrInvalidPartNumber
		}
		off, length = o, n
	}
	if rd.rng != nil {
		o, n, err := rd.rng.Resolve(length)
		if err != nil {
			return nil, plain, sealed, fmt.Errorf("%s/%s: %w", rd.bucket, rd.key, storage.ErrInvalidRange)
		}
		off, length = off+o, n
	}
	if length == 0 {
		return io.NopCloser(strings.NewReader("")), plain, sealed, nil
	}
	plan, err := crypt.PlanRange(cipherParts(seen), off, length)
	if err != nil {
		return nil, plain, sealed, fmt.Errorf("%s/%s: %w", rd.bucket, rd.key, err)
	}
	same := storage.GetOptions{VersionID: seen.VersionID, Precondition: func(info storage.ObjectInfo) error {
		now, _, err := crypt.Parse(info.Internal)
		if err != nil || info.ETag != seen.ETag || !info.ModTime.Equal(seen.ModTime) || !bytes.Equal(now.SealedKey, sealed.SealedKey) {
			return errVersionChanged
		}
		return nil
	}}
	rc, _, err = s.store.GetObject(c.ctx, rd.bucket, rd.key, &storage.Range{Start: plan.Offset, End: plan.Offset + plan.Length - 1}, same)
	if err != nil {
		return nil, plain, sealed, err
	}
	// Three stages on their own goroutines: the store's reads (disk, bitrot
	// checks, decoding), the decryption, and the caller's writes.
	cipher := readAhead(c.ctx, rc, plan.Length)
	return &decrypted{ReadCloser: readAhead(c.ctx, io.NopCloser(key.Decrypt(cipher, plan)), length), cipher: cipher}, plain, sealed, nil
}

// decrypted is the plaintext of an encrypted read, decrypted ahead of its reader.
type decrypted struct {
	io.ReadCloser // with WriteTo when read ahead
	cipher        io.Closer
}

func (d *decrypted) WriteTo(w io.Writer) (int64, error) {
	if wt, ok := d.ReadCloser.(io.WriterTo); ok {
		return wt.WriteTo(w)
	}
	return io.Copy(w, struct{ io.Reader }{d.ReadCloser})
}

// Close stops the decryption first, then the reads it was consuming.
func (d *decrypted) Close() error {
	err := d.ReadCloser.Close()
	if cerr := d.cipher.Close(); err == nil {
		err = cerr
	}
	return err
}

// unsealKey checks the request's SSE-C key against the object and returns
// its object key: the SSE-C key must be sent exactly for SSE-C objects,
// and only over a secure connection.
func (s *server) unsealKey(c *call, info storage.ObjectInfo, sealed *crypt.Sealed, ck *customerKey) (crypt.ObjectKey, error) {
	if sealed.Method != crypt.MethodC && ck != nil {
		return crypt.ObjectKey{}, s3err.New(s3err.InvalidRequest, msgSSENotApplicable)
	}
	if sealed.Method == crypt.MethodC && !s.secure(c) {
		return crypt.ObjectKey{}, s3err.New(s3err.InvalidRequest, s3err.MsgSSEInsecure)
	}
	return sealed.ObjectKey(c.ctx, s.kms, ck.bytes(), info.Bucket, info.Key)
}

// statObject returns the plaintext view of an object for HEAD, checking the
// request's SSE-C key as a read would.
func (s *server) statObject(c *call, opts storage.GetOptions, ck *customerKey) (storage.ObjectInfo, *crypt.Sealed, error) {
	info, err := s.store.StatObject(c.ctx, c.op.Bucket, c.op.Key, opts)
	if err != nil {
		return info, nil, err
	}
	plain, sealed, err := plainInfo(info)
	if err != nil {
		return info, nil, err
	}
	if sealed == nil {
		if ck != nil {
			return plain, nil, s3err.New(s3err.InvalidRequest, msgSSENotApplicable)
		}
		return plain, nil, nil
	}
	if sealed.Method == crypt.MethodC {
		if _, err := s.unsealKey(c, info, sealed, ck); err != nil {
			return plain, sealed, err
		}
	} else if ck != nil {
		return plain, sealed, s3err.New(s3err.InvalidRequest, msgSSENotApplicable)
	}
	return plain, sealed, nil
}
