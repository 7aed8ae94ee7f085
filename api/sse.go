package api

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/crypt"
)

// SSE request and response headers.
const (
	hdrSSE          = "x-amz-server-side-encryption"
	hdrSSEKMSKeyID  = "x-amz-server-side-encryption-aws-kms-key-id"
	hdrSSEContext   = "x-amz-server-side-encryption-context"
	hdrSSEBucketKey = "x-amz-server-side-encryption-bucket-key-enabled"
	// SSE-C headers are prefixed by one of these.
	sseCPrefix     = "x-amz-server-side-encryption-customer-"
	sseCCopyPrefix = "x-amz-copy-source-server-side-encryption-customer-"
)

// The x-amz-server-side-encryption values.
const (
	sseAES256 = "AES256"
	sseKMS    = "aws:kms"
)

// maxSSEContext bounds the decoded SSE-KMS encryption context.
const maxSSEContext = 8 << 10

// customerKey is an SSE-C key from a request with the MD5 the client sent.
type customerKey struct {
	key []byte
	md5 string // base64, as sent
}

// parseCustomerKey reads the SSE-C headers with prefix (sseCPrefix or
// sseCCopyPrefix): nil when absent; S3's errors when incomplete, of the
// wrong algorithm or length, or when the MD5 does not match.
func parseCustomerKey(h http.Header, prefix string) (*customerKey, error) {
	alg, key, sum := h.Get(prefix+"algorithm"), h.Get(prefix+"key"), h.Get(prefix+"key-MD5")
	if alg == "" && key == "" && sum == "" {
		return nil, nil
	}
	const pre = "Requests specifying Server Side Encryption with Customer provided keys must provide "
	switch {
	case alg == "":
		return nil, s3err.New(s3err.InvalidArgument, pre+"a valid encryption algorithm.")
	case alg != sseAES256:
		return nil, s3err.New(s3err.InvalidEncryptionAlgorithm, "")
	case key == "":
		return nil, s3err.New(s3err.InvalidArgument, pre+"an appropriate secret key.")
	case sum == "":
		return nil, s3err.New(s3err.InvalidArgument, pre+"the client calculated MD5 of the secret key.")
	}
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(k) != crypt.KeySize {
		return nil, s3err.New(s3err.InvalidArgument, "The secret key was invalid for the specified algorithm.")
	}
	want, err := base64.StdEncoding.DecodeString(sum)
	got := md5.Sum(k)
	if err != nil || string(want) != string(got[:]) {
		return nil, s3err.New(s3err.InvalidArgument, "The calculated MD5 hash of the key did not match the hash that was provided.")
	}
	return &customerKey{key: k, md5: sum}, nil
}

// bytes returns the key, nil for a nil customerKey.
func (ck *customerKey) bytes() []byte {
	if ck == nil {
		return nil
	}
	return ck.key
}

// parseSSEContext decodes x-amz-server-side-encryption-context: base64 of
// a JSON object of strings.
func parseSSEContext(v string) (map[string]string, error) {
	if v == "" {
		return nil, nil
	}
	bad := s3err.New(s3err.InvalidArgument, "The header '"+hdrSSEContext+"' must be a base64-encoded UTF-8 JSON object of strings.")
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) > maxSSEContext || !utf8.Valid(b) {
		return nil, bad
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, bad
	}
	for k := range m {
		if crypt.ReservedContextKey(k) {
			return nil, s3err.New(s3err.InvalidArgument, "The encryption context key "+k+" is reserved.")
		}
	}
	return m, nil
}

// secure reports whether SSE-C and SSE-KMS may be used on this request:
// over TLS, or from a loopback client when Config.SSEInsecureLoopback is set.
func (s *server) secure(c *call) bool {
	if c.r.TLS != nil {
		return true
	}
	if !s.cfg.SSEInsecureLoopback {
		return false
	}
	host, _, err := net.SplitHostPort(c.r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// writeSSE parses the encryption a write asks for in its headers h,
// without touching storage; nil when h asks for none (the bucket default
// then applies, see newSealedWrite).
func (s *server) writeSSE(c *call, h http.Header) (*crypt.Params, *customerKey, error) {
	ck, err := parseCustomerKey(h, sseCPrefix)
	if err != nil {
		return nil, nil, err
	}
	method, keyID := h.Get(hdrSSE), h.Get(hdrSSEKMSKeyID)
	ctxv, bk := h.Get(hdrSSEContext), h.Get(hdrSSEBucketKey)
	if ck != nil && method != "" {
		return nil, nil, s3err.New(s3err.InvalidArgument, "Server side encryption specified with both SSE-C and SSE-S3/SSE-KMS headers.")
	}
	if (keyID != "" || ctxv != "") && method != sseKMS {
		return nil, nil, s3err.New(s3err.InvalidArgument, "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")
	}
	p := &crypt.Params{}
	switch strings.ToLower(bk) {
	case "":
	case "true":
		p.BucketKey = true
	case "false":
	default:
		return nil, nil, s3err.New(s3err.InvalidArgument, "The header '"+hdrSSEBucketKey+"' must be true or false.")
	}
	switch method {
	case "":
		if ck == nil {
			return nil, nil, nil
		}
		if !s.secure(c) {
			return nil, nil, s3err.New(s3err.InvalidRequest, s3err.MsgSSEInsecure)
		}
		p.Method, p.CustomerKey = crypt.MethodC, ck.key
		return p, ck, nil
	case sseAES256:
		p.Method = crypt.MethodS3
	case sseKMS:
		if !s.secure(c) {
			return nil, nil, s3err.New(s3err.InvalidRequest, s3err.MsgSSEInsecure)
		}
		if p.Context, err = parseSSEContext(ctxv); err != nil {
			return nil, nil, err
		}
		p.Method, p.KeyID = crypt.MethodKMS, keyID
	default:
		return nil, nil, s3err.New(s3err.InvalidArgument, "The encryption method specified is not supported")
	}
	if s.kms == nil {
		return nil, nil, crypt.ErrNoKMS
	}
	return p, nil, nil
}

// sealedWrite encrypts the body of one new object or part on its way into
// the store and records the sealed state before the commit.
type sealedWrite struct {
	key    crypt.ObjectKey
	sealed crypt.Sealed
	ctx    context.Context
	ck     *customerKey
	sum    *asyncMD5 // MD5 of the plaintext, when needed (SSE-S3 ETag, Content-MD5)
	n      int64     // plaintext bytes read
}

// newSealedWrite creates the object key for a write of key in the
// request's bucket as p asks; nil p means the bucket's default encryption,
// and a plain write (nil, nil) when it has none. The key service is asked
// here, before any byte is stored.
func (s *server) newSealedWrite(c *call, p *crypt.Params, ck *customerKey, key string) (*sealedWrite, error) {
	if p == nil {
		var err error
		if p, ck, err = s.bucketDefaultSSE(c, false); err != nil || p == nil {
			return nil, err
		}
	}
	bucket := c.op.Bucket
	ok, sealed, err := crypt.NewObjectKey(c.ctx, s.kms, *p, bucket, key)
	if err != nil {
		return nil, err
	}
	return newSealedWriter(c, ok, sealed, ck), nil
}

// newSealedWriter returns the sealedWrite of key; it hashes the plaintext
// only when the ETag or a Content-MD5 needs it.
func newSealedWriter(c *call, key crypt.ObjectKey, sealed crypt.Sealed, ck *customerKey) *sealedWrite {
	w := &sealedWrite{ctx: c.ctx, key: key, sealed: sealed, ck: ck}
	if sealed.Method == crypt.MethodS3 || c.r.Header.Get("Content-MD5") != "" {
		w.sum = newAsyncMD5(c.ctx)
	}
	return w
}

// tee returns r counting the plaintext (and hashing it when needed).
func (w *sealedWrite) tee(r io.Reader) io.Reader {
	return readerFunc(func(p []byte) (int, error) {
		n, err := r.Read(p)
		w.n += int64(n)
		if w.sum != nil {
			w.sum.Write(p[:n])
		}
		return n, err
	})
}

// readerFunc adapts a function to io.Reader.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// wrap returns the ciphertext reader of part for plaintext r of size bytes
// (-1 when unknown) and the ciphertext size.
func (w *sealedWrite) wrap(r io.Reader, size int64, part int) (io.Reader, int64, error) {
	enc, err := w.key.Encrypt(w.tee(r), part)
	if err != nil {
		return nil, 0, err
	}
	if size >= 0 {
		size = crypt.EncryptedSize(size)
	}
	return readAhead(w.ctx, io.NopCloser(enc), size), size, nil
}

// checkMD5 compares the plaintext MD5 with Content-MD5 (the store saw only ciphertext).
func (w *sealedWrite) checkMD5(contentMD5 []byte) error {
	if len(contentMD5) > 0 && (w.sum == nil || string(contentMD5) != string(w.sum.Sum())) {
		return storage.ErrBadDigest
	}
	return nil
}

// etag is the ETag S3 gives an encrypted object or part: the plaintext MD5
// for SSE-S3; for SSE-C and SSE-KMS, as on AWS, no digest of the data but
// 16 random bytes (the store was spared hashing the ciphertext).
func (w *sealedWrite) etag() string {
	if w.sealed.Method == crypt.MethodS3 && w.sum != nil {
		return hex.EncodeToString(w.sum.Sum())
	}
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// commit checks Content-MD5 and records the sealed state and ETag in info.
func (w *sealedWrite) commit(info *storage.ObjectInfo, contentMD5 []byte) error {
	if err := w.checkMD5(contentMD5); err != nil {
		return err
	}
	if info.Internal == nil {
		info.Internal = map[string]string{}
	}
	crypt.Clear(info.Internal)
	w.sealed.Size = w.n
	w.sealed.Store(info.Internal)
	info.ETag = w.etag()
	return nil
}

// setSSEHeaders writes the encryption headers of an object sealed as s;
// ck is the request's customer key (SSE-C).
func setSSEHeaders(h http.Header, s crypt.Sealed, ck *customerKey) {
	switch s.Method {
	case crypt.MethodS3:
		h.Set(hdrSSE, sseAES256)
	case crypt.MethodKMS:
		h.Set(hdrSSE, sseKMS)
		id := s.KeyID
		if id == "" {
			id = s.KMSKey
		}
		h.Set(hdrSSEKMSKeyID, id)
		if len(s.Context) > 0 {
			b, _ := json.Marshal(s.Context) // a map[string]string always marshals
			h.Set(hdrSSEContext, base64.StdEncoding.EncodeToString(b))
		}
	case crypt.MethodC:
		h.Set(sseCPrefix+"algorithm", sseAES256)
		if ck != nil {
			h.Set(sseCPrefix+"key-MD5", ck.md5)
		}
	}
	if s.BucketKey {
		h.Set(hdrSSEBucketKey, "true")
	}
}

// setHeaders writes the encryption headers of a completed sealed write.
func (w *sealedWrite) setHeaders(h http.Header) {
	if w != nil {
		setSSEHeaders(h, w.sealed, w.ck)
	}
}

// sealWrite parses the encryption a write of key in the request's bucket
// asks for (headers h, else the bucket default) and creates its object key;
// nil for a plain write.
func (s *server) sealWrite(c *call, h http.Header, key string) (*sealedWrite, error) {
	p, ck, err := s.writeSSE(c, h)
	if err != nil {
		return nil, err
	}
	return s.newSealedWrite(c, p, ck, key)
}
