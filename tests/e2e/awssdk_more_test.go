package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const mib = 1 << 20

// multipartETag is the S3 ETag of a multipart object: md5 of the
// concatenated binary part MD5s, "-" and the part count.
func multipartETag(parts ...[]byte) string {
	var cat []byte
	for _, p := range parts {
		s := md5.Sum(p)
		cat = append(cat, s[:]...)
	}
	s := md5.Sum(cat)
	return `"` + hex.EncodeToString(s[:]) + "-" + strconv.Itoa(len(parts)) + `"`
}

func awsMultipartScenario(t *testing.T, c *s3.Client, bucket string, mode awsMode) {
	ctx := context.Background()
	withCRC := mode.calc == aws.RequestChecksumCalculationWhenSupported
	key := "mp/object.bin"
	parts := [][]byte{randomData(5*mib, 11), randomData(5*mib, 12), randomData(mib+7, 13)}

	create := &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key, ContentType: aws.String("application/x-mp")}
	if withCRC {
		create.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
	}
	up, err := c.CreateMultipartUpload(ctx, create)
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	var completed []types.CompletedPart
	for i, p := range parts {
		in := &s3.UploadPartInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)}
		if withCRC {
			in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
		}
		out, err := c.UploadPart(ctx, in)
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		sum := md5.Sum(p)
		if aws.ToString(out.ETag) != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Errorf("part %d ETag %s", i+1, aws.ToString(out.ETag))
		}
		if withCRC && aws.ToString(out.ChecksumCRC32) == "" {
			t.Errorf("part %d: no CRC32 echoed", i+1)
		}
		completed = append(completed, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1)), ChecksumCRC32: out.ChecksumCRC32})
	}

	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId})
	if err != nil {
		t.Fatalf("ListParts: %v", err)
	}
	if len(lp.Parts) != 3 || aws.ToInt64(lp.Parts[2].Size) != int64(len(parts[2])) {
		t.Errorf("ListParts: %d parts", len(lp.Parts))
	}
	mu, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &bucket})
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	if len(mu.Uploads) != 1 || aws.ToString(mu.Uploads[0].UploadId) != aws.ToString(up.UploadId) {
		t.Errorf("ListMultipartUploads: %d uploads", len(mu.Uploads))
	}

	// A wrong ETag is InvalidPart; the upload survives the failed attempt.
	bad := append([]types.CompletedPart(nil), completed...)
	bad[1] = types.CompletedPart{ETag: aws.String(`"00000000000000000000000000000000"`), PartNumber: aws.Int32(2), ChecksumCRC32: completed[1].ChecksumCRC32}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: bad}})
	wantAPIError(t, err, "InvalidPart", http.StatusBadRequest)

	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if want := multipartETag(parts...); aws.ToString(done.ETag) != want {
		t.Errorf("multipart ETag %s, want %s", aws.ToString(done.ETag), want)
	}
	assertObject(t, c, bucket, key, bytes.Join(parts, nil))
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if aws.ToString(head.ContentType) != "application/x-mp" || aws.ToInt64(head.ContentLength) != int64(len(parts[0])*2+len(parts[2])) {
		t.Errorf("HeadObject: %q %d", aws.ToString(head.ContentType), aws.ToInt64(head.ContentLength))
	}
	// GET ?partNumber=2 returns exactly the second part.
	p2, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key, PartNumber: aws.Int32(2)})
	if err != nil {
		t.Fatalf("GetObject partNumber=2: %v", err)
	}
	sha, _, err := readerSHA256(p2.Body)
	p2.Body.Close()
	if err != nil || sha != sha256Hex(parts[1]) || aws.ToInt32(p2.PartsCount) != 3 {
		t.Errorf("GetObject partNumber=2: sha ok=%v parts count %d err %v", sha == sha256Hex(parts[1]), aws.ToInt32(p2.PartsCount), err)
	}
	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId})
	wantAPIError(t, err, "NoSuchUpload", http.StatusNotFound)

	// A part smaller than 5 MiB that is not the last one: EntityTooSmall.
	small, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: aws.String("mp/small")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	var smallParts []types.CompletedPart
	for i := range 2 {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("mp/small"), UploadId: small.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(randomData(1024, uint64(i)))})
		if err != nil {
			t.Fatalf("UploadPart: %v", err)
		}
		smallParts = append(smallParts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1)), ChecksumCRC32: out.ChecksumCRC32})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: aws.String("mp/small"), UploadId: small.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: smallParts}})
	wantAPIError(t, err, "EntityTooSmall", http.StatusBadRequest)
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bucket, Key: aws.String("mp/small"), UploadId: small.UploadId}); err != nil {
		t.Fatalf("AbortMultipartUpload: %v", err)
	}
	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: &bucket, Key: aws.String("mp/small"), UploadId: small.UploadId})
	wantAPIError(t, err, "NoSuchUpload", http.StatusNotFound)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("mp/small")})
	wantAPIError(t, err, "", http.StatusNotFound)
}

func awsCopyScenario(t *testing.T, c *s3.Client, bucket string, big []byte) {
	ctx := context.Background()
	src := bucket + "/" + url.PathEscape("dir/big.bin")
	out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &bucket, Key: aws.String("copy/big.bin"), CopySource: aws.String(src)})
	if err != nil {
		t.Fatalf("CopyObject: %v", err)
	}
	sum := md5.Sum(big)
	if out.CopyObjectResult == nil || aws.ToString(out.CopyObjectResult.ETag) != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("CopyObject result %+v", out.CopyObjectResult)
	}
	assertObject(t, c, bucket, "copy/big.bin", big)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("copy/big.bin")})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if head.Metadata["color"] != "blue" {
		t.Errorf("COPY directive lost metadata: %v", head.Metadata)
	}

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &bucket, Key: aws.String("copy/replaced"), CopySource: aws.String(src),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"shape": "round"}, ContentType: aws.String("text/x-new")})
	if err != nil {
		t.Fatalf("CopyObject REPLACE: %v", err)
	}
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("copy/replaced")})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if head.Metadata["shape"] != "round" || head.Metadata["color"] != "" || aws.ToString(head.ContentType) != "text/x-new" {
		t.Errorf("REPLACE metadata %v content-type %q", head.Metadata, aws.ToString(head.ContentType))
	}
	assertObject(t, c, bucket, "copy/replaced", big)

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &bucket, Key: aws.String("copy/x"), CopySource: aws.String(bucket + "/no-such-source")})
	wantAPIError(t, err, "NoSuchKey", http.StatusNotFound)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &bucket, Key: aws.String("copy/x"), CopySource: aws.String(src), CopySourceIfMatch: aws.String(`"ffffffffffffffffffffffffffffffff"`)})
	wantAPIError(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("copy/x")})
	wantAPIError(t, err, "", http.StatusNotFound)
}

func awsPresignScenario(t *testing.T, srv *server, c *s3.Client, bucket string) {
	ctx := context.Background()
	pc := s3.NewPresignClient(c, func(o *s3.PresignOptions) { o.Expires = 10 * time.Minute })
	data := randomData(300*1024+5, 21)
	key := "presigned/obj.bin"

	put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("PresignPutObject: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, put.Method, put.URL, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range put.SignedHeader {
		if strings.EqualFold(k, "host") {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := srv.client.Do(req)
	if err != nil {
		t.Fatalf("presigned PUT: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned PUT: %s\n%s", resp.Status, body)
	}

	get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("PresignGetObject: %v", err)
	}
	resp, err = srv.client.Get(get.URL)
	if err != nil {
		t.Fatalf("presigned GET: %v", err)
	}
	sha, n, err := readerSHA256(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || sha != sha256Hex(data) {
		t.Errorf("presigned GET: %s, %d bytes, sha ok=%v, err %v", resp.Status, n, sha == sha256Hex(data), err)
	}

	// A presigned GET of a missing key: NoSuchKey in XML.
	miss, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("presigned/missing")})
	if err != nil {
		t.Fatalf("PresignGetObject: %v", err)
	}
	resp, err = srv.client.Get(miss.URL)
	if err != nil {
		t.Fatalf("presigned GET: %v", err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	wantXMLError(t, resp, body, "NoSuchKey", http.StatusNotFound)

	// A tampered presigned URL (signature of another key) is refused.
	tampered := strings.Replace(get.URL, url.PathEscape("obj.bin"), "obj.bin2", 1)
	resp, err = srv.client.Get(tampered)
	if err != nil {
		t.Fatalf("presigned GET: %v", err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	wantXMLError(t, resp, body, "SignatureDoesNotMatch", http.StatusForbidden)
}

// wantXMLError asserts a raw HTTP response is the S3 error code with status,
// an XML body and a request ID.
func wantXMLError(t testing.TB, resp *http.Response, body []byte, code string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("status %s, want %d %s; body:\n%s", resp.Status, status, code, clip(string(body)))
		return
	}
	e, err := parseS3Error(body)
	if err != nil {
		t.Errorf("want %s in XML: %v; body:\n%s", code, err, clip(string(body)))
		return
	}
	if e.Code != code {
		t.Errorf("code %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.RequestID == "" {
		t.Errorf("%s: XML has no <RequestId>", code)
	}
	if resp.Header.Get("x-amz-request-id") == "" {
		t.Errorf("%s: no x-amz-request-id header", code)
	}
}
