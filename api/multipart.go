package api

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/crypt"
)

// maxPartSize is the largest part S3 accepts (5 GiB).
const maxPartSize = 5 << 30

// Internal metadata keys the S3 layer writes on multipart uploads.
const (
	internalChecksumAlgorithm = "checksum-algorithm"
	internalChecksumType      = "checksum-type"
)

// uploadChecksum reads x-amz-checksum-algorithm and x-amz-checksum-type of
// CreateMultipartUpload.
func uploadChecksum(h http.Header) (alg checksum.Algorithm, typ string, err error) {
	if v := h.Get("x-amz-checksum-algorithm"); v != "" {
		if alg, err = checksum.Parse(v); err != nil {
			return "", "", err
		}
		typ = "COMPOSITE"
		if alg == checksum.CRC64NVME {
			typ = "FULL_OBJECT"
		}
	}
	switch v := strings.ToUpper(h.Get("x-amz-checksum-type")); v {
	case "":
	case "COMPOSITE", "FULL_OBJECT":
		if alg == "" {
			return "", "", s3err.New(s3err.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		if v == "FULL_OBJECT" && (alg == checksum.SHA1 || alg == checksum.SHA256) ||
			v == "COMPOSITE" && alg == checksum.CRC64NVME {
			return "", "", s3err.New(s3err.InvalidRequest, "The checksum type "+v+" is not supported for "+string(alg)+".")
		}
		typ = v
	default:
		return "", "", s3err.New(s3err.InvalidRequest, "Value for x-amz-checksum-type header is invalid.")
	}
	return alg, typ, nil
}

// createMultipartUpload serves CreateMultipartUpload.
func (s *server) createMultipartUpload(c *call) error {
	opts, err := s.putOptions(c, c.r.Header)
	if err != nil {
		return err
	}
	alg, typ, err := uploadChecksum(c.r.Header)
	if err != nil {
		return err
	}
	if alg != "" {
		if opts.Internal == nil {
			opts.Internal = map[string]string{}
		}
		opts.Internal[internalChecksumAlgorithm], opts.Internal[internalChecksumType] = string(alg), typ
		c.w.Header().Set("x-amz-checksum-algorithm", string(alg))
		c.w.Header().Set("x-amz-checksum-type", typ)
	}
	sw, err := s.sealWrite(c, c.r.Header, c.op.Key)
	if err != nil {
		return err
	}
	sealUpload(sw, &opts)
	id, err := s.store.NewMultipartUpload(c.ctx, c.op.Bucket, c.op.Key, opts)
	if err != nil {
		return err
	}
	sw.setHeaders(c.w.Header())
	return s.writeXML(c.w, http.StatusOK, s3xml.InitiateMultipartUploadResult{Bucket: c.op.Bucket, Key: c.op.Key, UploadID: id})
}

// partNumber parses the partNumber query parameter (1..10000).
func partNumber(c *call) (int, error) {
	n, err := strconv.Atoi(c.r.URL.Query().Get("partNumber"))
	if err != nil || n < 1 || n > storage.MaxPartNumber {
		return 0, s3err.New(s3err.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive.")
	}
	return n, nil
}

// uploadPart serves UploadPart, streaming the body into the store.
func (s *server) uploadPart(c *call) error {
	n, err := partNumber(c)
	if err != nil {
		return err
	}
	md5sum, err := contentMD5(c.r.Header)
	if err != nil {
		return err
	}
	b, err := s.payload(c, maxPartSize)
	if err != nil {
		return err
	}
	uploadID := c.r.URL.Query().Get("uploadId")
	sw, err := s.partSealer(c, uploadID)
	if err != nil {
		return err
	}
	data, size := io.Reader(b), b.size
	opts := storage.PartOptions{ContentMD5: md5sum, PreCommit: func(p *storage.PartInfo) error {
		if err := b.finish(); err != nil {
			return err
		}
		if sums := b.sums.Sums(); len(sums) > 0 {
			p.Checksums = sums
		}
		if sw != nil {
			return sw.commitPart(p, md5sum)
		}
		return nil
	}}
	if sw != nil {
		opts.ContentMD5, opts.NoMD5 = nil, true // checked on the plaintext in commitPart, which sets the ETag
		if data, size, err = sw.wrap(b, b.size, n); err != nil {
			return err
		}
	}
	part, err := s.store.PutObjectPart(c.ctx, c.op.Bucket, c.op.Key, uploadID, n, data, size, opts)
	if err != nil {
		return err
	}
	sw.setHeaders(c.w.Header())
	c.w.Header().Set("ETag", quoteETag(part.ETag))
	setChecksumHeaders(c.w.Header(), part.Checksums, "")
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// completeMultipartUpload serves CompleteMultipartUpload and computes the
// object checksum (COMPOSITE or FULL_OBJECT) from the parts' checksums.
func (s *server) completeMultipartUpload(c *call) error {
	uploadID := c.r.URL.Query().Get("uploadId")
	doc, err := s3xml.DecodeCompleteMultipartUpload(c.body())
	if err != nil {
		return err
	}
	parts := make([]storage.CompletePart, 0, len(doc.Parts))
	for i, p := range doc.Parts {
		if p.PartNumber < 1 || p.PartNumber > storage.MaxPartNumber {
			return s3err.New(s3err.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive.")
		}
		if i > 0 && p.PartNumber <= doc.Parts[i-1].PartNumber {
			return s3err.New(s3err.InvalidPartOrder, "")
		}
		parts = append(parts, storage.CompletePart{Number: p.PartNumber, ETag: trimETag(p.ETag), Checksums: p.Map()})
	}
	up, stored, err := s.allParts(c, uploadID)
	if err != nil {
		return err
	}
	for n, p := range stored {
		p.Size = uploadPartSize(up, p.Size) // checksums combine over plaintext sizes
		stored[n] = p
	}
	vs, err := s.versioning(c, c.op.Bucket)
	if err != nil {
		return err
	}
	ifMatch, ifNoneMatch, err := writeConditions(c.r.Header)
	if err != nil {
		return err
	}
	alg := checksum.Algorithm(up.Internal[internalChecksumAlgorithm])
	typ := up.Internal[internalChecksumType]
	var sealed *crypt.Sealed
	opts := storage.CompleteOptions{Versioning: vs, IfMatch: ifMatch, IfNoneMatch: ifNoneMatch,
		PreCommit: func(info *storage.ObjectInfo) error {
			if sealed, err = sealComplete(up, info); err != nil {
				return err
			}
			return multipartChecksum(info, parts, stored, alg, typ)
		}}
	info, err := s.store.CompleteMultipartUpload(c.ctx, c.op.Bucket, c.op.Key, uploadID, parts, opts)
	if err != nil {
		return err
	}
	if sealed != nil {
		setSSEHeaders(c.w.Header(), *sealed, nil)
	}
	if vs != storage.VersioningUnset && info.VersionID != "" {
		c.w.Header().Set("x-amz-version-id", info.VersionID)
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	res := s3xml.CompleteMultipartUploadResult{Location: scheme + "://" + c.r.Host + "/" + c.op.Bucket + "/" + s3URLEncode(c.op.Key),
		Bucket: c.op.Bucket, Key: c.op.Key, ETag: quoteETag(info.ETag), Checksums: s3xml.NewChecksums(info.Checksums)}
	if len(info.Checksums) > 0 {
		res.ChecksumType = info.ChecksumType
	}
	return s.writeXML(c.w, http.StatusOK, res)
}

// allParts returns the upload's metadata and every uploaded part by number.
func (s *server) allParts(c *call, uploadID string) (storage.UploadInfo, map[int]storage.PartInfo, error) {
	parts := map[int]storage.PartInfo{}
	opts := storage.ListPartsOptions{MaxParts: 1000}
	for {
		res, err := s.store.ListObjectParts(c.ctx, c.op.Bucket, c.op.Key, uploadID, opts)
		if err != nil {
			return storage.UploadInfo{}, nil, err
		}
		for _, p := range res.Parts {
			parts[p.Number] = p
		}
		if !res.IsTruncated || res.NextPartNumberMarker <= opts.PartNumberMarker {
			return res.Upload, parts, nil
		}
		opts.PartNumberMarker = res.NextPartNumberMarker
	}
}

// multipartChecksum fills info's checksum from the completed parts' stored
// checksums when the upload asked for one. A checksum the client lists for a
// part must match the stored one (InvalidPart otherwise).
func multipartChecksum(info *storage.ObjectInfo, parts []storage.CompletePart, stored map[int]storage.PartInfo, alg checksum.Algorithm, typ string) error {
	for _, p := range parts {
		for a, v := range p.Checksums {
			if have := stored[p.Number].Checksums[a]; have != "" && have != v {
				return s3err.New(s3err.InvalidPart, fmt.Sprintf("The %s checksum of part %d does not match the uploaded part.", a, p.Number))
			}
		}
	}
	if alg == "" {
		return nil
	}
	sums := make([]string, 0, len(parts))
	fulls := make([]checksum.PartSum, 0, len(parts))
	for _, p := range parts {
		sp := stored[p.Number]
		v := sp.Checksums[string(alg)]
		if v == "" {
			v = p.Checksums[string(alg)]
		}
		if v == "" {
			return s3err.New(s3err.InvalidRequest, fmt.Sprintf("The upload was created using a %s checksum, but part %d has none.", alg, p.Number))
		}
		sums = append(sums, v)
		fulls = append(fulls, checksum.PartSum{Sum: v, Size: sp.Size})
	}
	var sum string
	var err error
	if typ == "FULL_OBJECT" {
		sum, err = checksum.CombineFullObject(alg, fulls)
	} else {
		sum, err = checksum.Composite(alg, sums)
	}
	if err != nil {
		return err
	}
	info.Checksums, info.ChecksumType = map[string]string{string(alg): sum}, typ
	return nil
}

// abortMultipartUpload serves AbortMultipartUpload (204).
func (s *server) abortMultipartUpload(c *call) error {
	if err := s.store.AbortMultipartUpload(c.ctx, c.op.Bucket, c.op.Key, c.r.URL.Query().Get("uploadId")); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// listParts serves ListParts.
func (s *server) listParts(c *call) error {
	q := c.r.URL.Query()
	maxParts, err := parseMaxKeys(q, "max-parts", 1000)
	if err != nil {
		return err
	}
	marker := 0
	if v := q.Get("part-number-marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return s3err.New(s3err.InvalidArgument, "Argument part-number-marker must be an integer.")
		}
	}
	uploadID := q.Get("uploadId")
	res, err := s.store.ListObjectParts(c.ctx, c.op.Bucket, c.op.Key, uploadID, storage.ListPartsOptions{PartNumberMarker: marker, MaxParts: max(maxParts, 1)})
	if err != nil {
		return err
	}
	sc := res.Upload.StorageClass
	if sc == "" {
		sc = storage.StorageClassStandard
	}
	bucketOwner, err := s.bucketOwner(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	own := recordedOwner(res.Upload.Internal, bucketOwner)
	out := s3xml.ListPartsResult{Bucket: c.op.Bucket, Key: c.op.Key, UploadID: uploadID, Initiator: own, Owner: own,
		StorageClass: sc, PartNumberMarker: marker, NextPartNumberMarker: res.NextPartNumberMarker, MaxParts: maxParts,
		IsTruncated: res.IsTruncated, Parts: []s3xml.Part{},
		ChecksumAlgorithm: res.Upload.Internal[internalChecksumAlgorithm], ChecksumType: res.Upload.Internal[internalChecksumType]}
	if maxParts > 0 {
		for _, p := range res.Parts {
			out.Parts = append(out.Parts, s3xml.Part{PartNumber: p.Number, LastModified: s3xml.Time(p.ModTime), ETag: quoteETag(p.ETag), Size: uploadPartSize(res.Upload, p.Size), Checksums: s3xml.NewChecksums(p.Checksums)})
		}
		if len(out.Parts) > 0 && out.NextPartNumberMarker == 0 {
			out.NextPartNumberMarker = out.Parts[len(out.Parts)-1].PartNumber
		}
	}
	return s.writeXML(c.w, http.StatusOK, out)
}

// listMultipartUploads serves ListMultipartUploads.
func (s *server) listMultipartUploads(c *call) error {
	q := c.r.URL.Query()
	p, err := parseListParams(q, "max-uploads")
	if err != nil {
		return err
	}
	if p.bucketOwner, err = s.bucketOwner(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	keyMarker, idMarker := q.Get("key-marker"), q.Get("upload-id-marker")
	out := s3xml.ListMultipartUploadsResult{Bucket: c.op.Bucket, KeyMarker: p.enc(keyMarker), UploadIDMarker: idMarker,
		Prefix: p.enc(p.prefix), Delimiter: p.enc(p.delimiter), MaxUploads: p.maxKeys, EncodingType: p.encodingType(), Uploads: []s3xml.Upload{}}
	if p.maxKeys == 0 {
		if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
			return err
		}
		return s.writeXML(c.w, http.StatusOK, out)
	}
	res, err := s.store.ListMultipartUploads(c.ctx, c.op.Bucket, storage.ListUploadsOptions{Prefix: p.prefix, Delimiter: p.delimiter,
		KeyMarker: keyMarker, UploadIDMarker: idMarker, MaxUploads: p.maxKeys})
	if err != nil {
		return err
	}
	for _, u := range res.Uploads {
		sc := u.StorageClass
		if sc == "" {
			sc = storage.StorageClassStandard
		}
		out.Uploads = append(out.Uploads, s3xml.Upload{Key: p.enc(u.Key), UploadID: u.UploadID, Initiator: recordedOwner(u.Internal, p.bucketOwner), Owner: recordedOwner(u.Internal, p.bucketOwner), StorageClass: sc, Initiated: s3xml.Time(u.Initiated)})
	}
	out.CommonPrefixes = p.prefixes(res.CommonPrefixes)
	out.IsTruncated = res.IsTruncated
	out.NextKeyMarker, out.NextUploadIDMarker = p.enc(res.NextKeyMarker), res.NextUploadIDMarker
	return s.writeXML(c.w, http.StatusOK, out)
}
