package api

import (
	"encoding/base64"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/crypt"
)

// maxCopySize is the largest source CopyObject and UploadPartCopy accept (5 GiB).
const maxCopySize = 5 << 30

// copySource is a parsed x-amz-copy-source.
type copySource struct {
	bucket, key, versionID string
}

// parseCopySource parses "[/]bucket/key[?versionId=v]", URL-decoded.
func parseCopySource(v string) (copySource, error) {
	bad := s3err.New(s3err.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey.")
	path, query, _ := strings.Cut(v, "?")
	path, err := url.PathUnescape(path)
	if err != nil {
		return copySource{}, bad
	}
	path = strings.TrimPrefix(path, "/")
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || key == "" {
		return copySource{}, bad
	}
	src := copySource{bucket: bucket, key: key}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return copySource{}, bad
		}
		src.versionID = q.Get("versionId")
	}
	if err := storage.CheckBucketName(bucket); err != nil {
		return copySource{}, s3err.Wrap(s3err.InvalidBucketName, "", err)
	}
	if err := storage.CheckObjectName(key); err != nil {
		return copySource{}, s3err.Wrap(s3err.InvalidObjectName, "", err)
	}
	return src, nil
}

// openCopySource authorizes and opens the copy source (limited to rng),
// checking the x-amz-copy-source-if-* preconditions (412 on failure).
func (s *server) openCopySource(c *call, rng *storage.Range) (copySource, io.ReadCloser, storage.ObjectInfo, error) {
	src, err := parseCopySource(c.r.Header.Get("x-amz-copy-source"))
	if err != nil {
		return src, nil, storage.ObjectInfo{}, err
	}
	if err := s.authorize(c, copySourceAction(src), src.bucket, src.key); err != nil {
		return src, nil, storage.ObjectInfo{}, err
	}
	ck, err := parseCustomerKey(c.r.Header, sseCCopyPrefix)
	if err != nil {
		return src, nil, storage.ObjectInfo{}, err
	}
	cond := readConditional(c.r.Header, "x-amz-copy-source-")
	opts := storage.GetOptions{VersionID: src.versionID, Precondition: func(info storage.ObjectInfo) error {
		if err := cond.check(info, false); err != nil {
			return err
		}
		if rng == nil && info.Size > maxCopySize {
			return s3err.New(s3err.InvalidRequest, "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120.")
		}
		if rng != nil {
			if _, _, err := rng.Resolve(info.Size); err != nil {
				return s3err.New(s3err.InvalidRange, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy.")
			}
		}
		return nil
	}}
	rc, info, _, err := s.openObject(c, objectRead{bucket: src.bucket, key: src.key, versionID: src.versionID,
		rng: rng, precondition: opts.Precondition, ck: ck})
	if err != nil {
		return src, nil, info, copySourceError(err)
	}
	return src, rc, info, nil
}

// hashingReader feeds everything read through h.
type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	return n, err
}

// copyObject serves CopyObject: in place (metadata REPLACE) through
// UpdateObjectMetadata, otherwise by streaming the source into PutObject.
func (s *server) copyObject(c *call) error {
	directive := strings.ToUpper(c.r.Header.Get("x-amz-metadata-directive"))
	if directive != "" && directive != "COPY" && directive != "REPLACE" {
		return s3err.New(s3err.InvalidArgument, "Unknown metadata directive.")
	}
	src, err := parseCopySource(c.r.Header.Get("x-amz-copy-source"))
	if err != nil {
		return err
	}
	replaceTags, err := taggingDirective(c.r.Header)
	if err != nil {
		return err
	}
	if src.bucket == c.op.Bucket && src.key == c.op.Key && src.versionID == "" && !hasSSEHeaders(c.r.Header) {
		return s.copyInPlace(c, src, directive == "REPLACE", replaceTags)
	}
	opts, err := s.putOptions(c, c.r.Header)
	if err != nil {
		return err
	}
	if opts.IfMatch, opts.IfNoneMatch, err = writeConditions(c.r.Header); err != nil {
		return err
	}
	sw, err := s.sealWrite(c, c.r.Header, c.op.Key)
	if err != nil {
		return err
	}
	_, rc, info, err := s.openCopySource(c, nil)
	if err != nil {
		return err
	}
	defer rc.Close()
	if directive != "REPLACE" {
		opts.ContentType, opts.Metadata = info.ContentType, info.Metadata
	}
	if !replaceTags {
		setInternal(&opts.Internal, internalTagging, info.Internal[internalTagging])
	}
	if opts.StorageClass == "" {
		opts.StorageClass = info.StorageClass
	}
	body := io.Reader(rc)
	var alg checksum.Algorithm
	if v := c.r.Header.Get("x-amz-checksum-algorithm"); v != "" {
		if alg, err = checksum.Parse(v); err != nil {
			return err
		}
	} else {
		for a := range info.Checksums {
			if p, err := checksum.Parse(a); err == nil {
				alg = p
				break
			}
		}
	}
	var hr *hashingReader
	if alg != "" {
		hr = &hashingReader{r: rc, h: alg.New()}
		body = hr
	}
	size := info.Size
	if sw != nil {
		if body, size, err = sw.wrap(body, size, 1); err != nil {
			return err
		}
		opts.NoMD5 = true // sw sets the ETag
	}
	opts.PreCommit = func(out *storage.ObjectInfo) error {
		if hr != nil {
			out.Checksums = map[string]string{string(alg): base64.StdEncoding.EncodeToString(hr.h.Sum(nil))}
			out.ChecksumType = "FULL_OBJECT"
		}
		if sw != nil {
			return sw.commit(out, nil)
		}
		crypt.Clear(out.Internal) // never the source's sealed state on a plain copy
		return nil
	}
	out, err := s.store.PutObject(c.ctx, c.op.Bucket, c.op.Key, body, size, opts)
	if err != nil {
		return err
	}
	sw.setHeaders(c.w.Header())
	return s.writeCopyResult(c, info, out, opts.Versioning)
}

// copyInPlace handles a copy of an object onto itself, which S3 allows only
// to change its metadata or storage class.
func (s *server) copyInPlace(c *call, src copySource, replace, replaceTags bool) error {
	sc, err := storageClass(c.r.Header)
	if err != nil {
		return err
	}
	tags, err := parseTaggingHeader(c.r.Header.Get("x-amz-tagging"))
	if err != nil {
		return err
	}
	if !replace && !replaceTags && sc == "" {
		return s3err.New(s3err.InvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	meta, err := objectMetadata(c.r.Header)
	if err != nil {
		return err
	}
	if err := s.authorize(c, "s3:GetObject", src.bucket, src.key); err != nil {
		return err
	}
	cond := readConditional(c.r.Header, "x-amz-copy-source-")
	var before storage.ObjectInfo
	out, err := s.store.UpdateObjectMetadata(c.ctx, c.op.Bucket, c.op.Key, storage.UpdateMetadataOptions{VersionID: src.versionID,
		Update: func(info *storage.ObjectInfo) error {
			before = *info
			if err := cond.check(*info, false); err != nil {
				return err
			}
			// Reading an SSE-C source takes its key, even to rewrite metadata
			// only: without it the caller has not proved it may read the object.
			if sealed, ok, err := crypt.Parse(info.Internal); err != nil {
				return err
			} else if ok && sealed.Method == crypt.MethodC {
				return crypt.ErrMissingKey
			}
			if replace {
				info.ContentType, info.Metadata = c.r.Header.Get("Content-Type"), meta
			}
			if sc != "" {
				info.StorageClass = sc
			}
			if replaceTags {
				setInternal(&info.Internal, internalTagging, tags)
			}
			return nil
		}})
	if err != nil {
		return err
	}
	return s.writeCopyResult(c, before, out, storage.VersioningUnset)
}

// writeCopyResult writes the CopyObjectResult.
func (s *server) writeCopyResult(c *call, src, out storage.ObjectInfo, vs storage.VersioningState) error {
	if src.VersionID != "" && src.VersionID != storage.NullVersionID {
		c.w.Header().Set("x-amz-copy-source-version-id", src.VersionID)
	}
	if vs != storage.VersioningUnset && out.VersionID != "" {
		c.w.Header().Set("x-amz-version-id", out.VersionID)
	}
	res := s3xml.CopyObjectResult{LastModified: s3xml.Time(out.ModTime), ETag: quoteETag(out.ETag), Checksums: s3xml.NewChecksums(out.Checksums)}
	if len(out.Checksums) > 0 {
		res.ChecksumType = out.ChecksumType
	}
	return s.writeXML(c.w, http.StatusOK, res)
}

// parseCopyRange parses x-amz-copy-source-range: exactly "bytes=first-last".
func parseCopyRange(v string) (*storage.Range, error) {
	if v == "" {
		return nil, nil
	}
	bad := s3err.New(s3err.InvalidArgument, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy.")
	spec, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return nil, bad
	}
	a, b, ok := strings.Cut(spec, "-")
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || start < 0 || end < start {
		return nil, bad
	}
	if end-start+1 > maxPartSize {
		return nil, s3err.New(s3err.EntityTooLarge, "")
	}
	return &storage.Range{Start: start, End: end}, nil
}

// uploadPartCopy serves UploadPartCopy: a source (range) streamed into a part.
func (s *server) uploadPartCopy(c *call) error {
	n, err := partNumber(c)
	if err != nil {
		return err
	}
	rng, err := parseCopyRange(c.r.Header.Get("x-amz-copy-source-range"))
	if err != nil {
		return err
	}
	uploadID := c.r.URL.Query().Get("uploadId")
	sw, err := s.partSealer(c, uploadID)
	if err != nil {
		return err
	}
	_, rc, info, err := s.openCopySource(c, rng)
	if err != nil {
		return err
	}
	defer rc.Close()
	size := info.Size
	if rng != nil {
		_, size, _ = rng.Resolve(info.Size)
	}
	data := io.Reader(rc)
	var opts storage.PartOptions
	if sw != nil {
		if data, size, err = sw.wrap(rc, size, n); err != nil {
			return err
		}
		opts.PreCommit = func(p *storage.PartInfo) error { return sw.commitPart(p, nil) }
		opts.NoMD5 = true
	}
	part, err := s.store.PutObjectPart(c.ctx, c.op.Bucket, c.op.Key, uploadID, n, data, size, opts)
	if err != nil {
		return err
	}
	sw.setHeaders(c.w.Header())
	if info.VersionID != "" && info.VersionID != storage.NullVersionID {
		c.w.Header().Set("x-amz-copy-source-version-id", info.VersionID)
	}
	return s.writeXML(c.w, http.StatusOK, s3xml.CopyPartResult{LastModified: s3xml.Time(part.ModTime), ETag: quoteETag(part.ETag), Checksums: s3xml.NewChecksums(part.Checksums)})
}
