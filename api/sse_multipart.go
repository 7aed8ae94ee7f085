package api

import (
	"fmt"
	"net/http"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/crypt"
)

// sealUpload records the sealed state of a new multipart upload in opts;
// parts are encrypted with the upload's object key.
func sealUpload(sw *sealedWrite, opts *storage.PutOptions) {
	if opts.Internal == nil {
		opts.Internal = map[string]string{}
	}
	crypt.Clear(opts.Internal)
	if sw == nil {
		return
	}
	sealed := sw.sealed
	sealed.Size = -1
	sealed.Store(opts.Internal)
}

// partSealer returns the sealer of a part of the request's upload (nil
// when the upload is not encrypted). SSE-C uploads need the customer key
// with every part.
func (s *server) partSealer(c *call, uploadID string) (*sealedWrite, error) {
	ck, err := parseCustomerKey(c.r.Header, sseCPrefix)
	if err != nil {
		return nil, err
	}
	res, err := s.store.ListObjectParts(c.ctx, c.op.Bucket, c.op.Key, uploadID, storage.ListPartsOptions{MaxParts: 1})
	if err != nil {
		return nil, err
	}
	sealed, ok, err := crypt.Parse(res.Upload.Internal)
	if err != nil {
		return nil, err
	}
	if !ok {
		if ck != nil {
			return nil, s3err.New(s3err.InvalidRequest, msgSSENotApplicable)
		}
		return nil, nil
	}
	key, err := s.unsealKey(c, storage.ObjectInfo{Bucket: c.op.Bucket, Key: c.op.Key}, &sealed, ck)
	if err != nil {
		return nil, err
	}
	return newSealedWriter(c, key, sealed, ck), nil
}

// commitPart checks Content-MD5 on the plaintext and sets the part's ETag.
func (w *sealedWrite) commitPart(p *storage.PartInfo, contentMD5 []byte) error {
	if err := w.checkMD5(contentMD5); err != nil {
		return err
	}
	p.ETag = w.etag()
	return nil
}

// sealComplete records the plaintext size of a completed encrypted upload
// and checks the minimum part size on the plaintext.
func sealComplete(up storage.UploadInfo, info *storage.ObjectInfo) (*crypt.Sealed, error) {
	sealed, ok, err := crypt.Parse(up.Internal)
	if err != nil || !ok {
		return nil, err
	}
	var total int64
	for i, p := range info.Parts {
		n, err := crypt.DecryptedSize(p.Size)
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", p.Number, err)
		}
		if i < len(info.Parts)-1 && n < storage.MinPartSize {
			return nil, storage.ErrEntityTooSmall
		}
		total += n
	}
	sealed.Size = total
	if info.Internal == nil {
		info.Internal = map[string]string{}
	}
	sealed.Store(info.Internal)
	return &sealed, nil
}

// uploadPartSize returns the size ListParts shows: plaintext for an encrypted upload.
func uploadPartSize(up storage.UploadInfo, stored int64) int64 {
	if _, ok, err := crypt.Parse(up.Internal); err == nil && ok {
		if n, err := crypt.DecryptedSize(stored); err == nil {
			return n
		}
	}
	return stored
}

// hasSSEHeaders reports whether a copy asks for an encryption of its own
// (so a copy onto itself must rewrite the data).
func hasSSEHeaders(h http.Header) bool {
	return h.Get(hdrSSE) != "" || h.Get(sseCPrefix+"algorithm") != "" || h.Get(sseCCopyPrefix+"algorithm") != ""
}
