package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// awsMode is one checksum configuration of aws-sdk-go-v2.
type awsMode struct {
	name string
	calc aws.RequestChecksumCalculation
}

// awsModes: the SDK default (WhenSupported: CRC32 on every upload, as an
// aws-chunked trailer when streaming) and WhenRequired (no flexible checksums).
var awsModes = []awsMode{
	{"checksum-default", aws.RequestChecksumCalculationWhenSupported},
	{"checksum-when-required", aws.RequestChecksumCalculationWhenRequired},
}

func newAWSClient(srv *server, calc aws.RequestChecksumCalculation) *s3.Client {
	cfg := aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(rootUser, rootPassword, ""),
		HTTPClient:       srv.client,
		RetryMaxAttempts: 1,
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.endpoint)
		o.UsePathStyle = true
		o.RequestChecksumCalculation = calc
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
	})
}

// wantAPIError asserts err is an S3 error with code (if non-empty) and status.
func wantAPIError(t testing.TB, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %s (%d)", code, status)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want an HTTP response error %s (%d)", err, code, status)
	}
	if got := re.HTTPStatusCode(); got != status {
		t.Errorf("status = %d, want %d (%v)", got, status, err)
	}
	if code != "" {
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != code {
			t.Errorf("error = %v, want code %s", err, code)
		}
		if re.ServiceRequestID() == "" {
			t.Errorf("error %s has no request id", code)
		}
	}
}

func TestAWSSDKGoV2(t *testing.T) {
	t.Parallel()
	for _, mode := range awsModes {
		t.Run(mode.name, func(t *testing.T) {
			eachServer(t, func(t *testing.T, srv *server) {
				awsScenario(t, srv, mode)
			})
		})
	}
}

func awsScenario(t *testing.T, srv *server, mode awsMode) {
	ctx := context.Background()
	c := newAWSClient(srv, mode.calc)
	bucket := uniqueBucket(t, "sdk")

	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	t.Run("bucket", func(t *testing.T) {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
		wantAPIError(t, err, "BucketAlreadyOwnedByYou", http.StatusConflict)
		if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket}); err != nil {
			t.Errorf("HeadBucket: %v", err)
		}
		_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket + "-missing")})
		wantAPIError(t, err, "", http.StatusNotFound)
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket + "-missing"), Key: aws.String("k")})
		wantAPIError(t, err, "NoSuchBucket", http.StatusNotFound)
		out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatalf("ListBuckets: %v", err)
		}
		if !slices.ContainsFunc(out.Buckets, func(b types.Bucket) bool { return aws.ToString(b.Name) == bucket }) {
			t.Errorf("ListBuckets does not list %s", bucket)
		}
	})

	small := []byte("hello, silo\n")
	big := randomData(1<<20+123, 1)
	t.Run("put-get-head", func(t *testing.T) {
		for _, obj := range []struct {
			key  string
			data []byte
		}{{"small.txt", small}, {"dir/big.bin", big}, {"empty", nil}, {"ünï cödé/key with spaces+&?.txt", small}} {
			put, err := c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: &bucket, Key: aws.String(obj.key), Body: bytes.NewReader(obj.data),
				ContentType: aws.String("application/x-test"),
				Metadata:    map[string]string{"color": "blue"},
			})
			if err != nil {
				t.Fatalf("PutObject %q: %v", obj.key, err)
			}
			sum := md5.Sum(obj.data)
			wantETag := `"` + hex.EncodeToString(sum[:]) + `"`
			if aws.ToString(put.ETag) != wantETag {
				t.Errorf("PutObject %q ETag = %s, want %s", obj.key, aws.ToString(put.ETag), wantETag)
			}
			if mode.calc == aws.RequestChecksumCalculationWhenSupported && aws.ToString(put.ChecksumCRC32) != crc32Base64(obj.data) {
				t.Errorf("PutObject %q: x-amz-checksum-crc32 %q, want the SDK's default CRC32 %q echoed", obj.key, aws.ToString(put.ChecksumCRC32), crc32Base64(obj.data))
			}
			get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(obj.key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatalf("GetObject %q: %v", obj.key, err)
			}
			sha, n, err := readerSHA256(get.Body)
			get.Body.Close()
			if err != nil {
				t.Fatalf("GetObject %q body: %v", obj.key, err)
			}
			if sha != sha256Hex(obj.data) || n != int64(len(obj.data)) {
				t.Errorf("GetObject %q: %d bytes sha %s, want %d bytes sha %s", obj.key, n, sha, len(obj.data), sha256Hex(obj.data))
			}
			if aws.ToString(get.ContentType) != "application/x-test" || get.Metadata["color"] != "blue" {
				t.Errorf("GetObject %q: content-type %q metadata %v", obj.key, aws.ToString(get.ContentType), get.Metadata)
			}
			if put.ChecksumCRC32 != nil && aws.ToString(get.ChecksumCRC32) != aws.ToString(put.ChecksumCRC32) {
				t.Errorf("GetObject %q CRC32 = %q, want %q", obj.key, aws.ToString(get.ChecksumCRC32), aws.ToString(put.ChecksumCRC32))
			}
			head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(obj.key)})
			if err != nil {
				t.Fatalf("HeadObject %q: %v", obj.key, err)
			}
			if aws.ToInt64(head.ContentLength) != int64(len(obj.data)) || aws.ToString(head.ETag) != wantETag {
				t.Errorf("HeadObject %q: length %d etag %s", obj.key, aws.ToInt64(head.ContentLength), aws.ToString(head.ETag))
			}
		}
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("no/such/key")})
		wantAPIError(t, err, "NoSuchKey", http.StatusNotFound)
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("no/such/key")})
		wantAPIError(t, err, "", http.StatusNotFound)
	})

	if srv.tls && mode.calc == aws.RequestChecksumCalculationWhenSupported {
		// An unseekable body over TLS: the SDK streams it as aws-chunked with
		// STREAMING-UNSIGNED-PAYLOAD-TRAILER and an x-amz-checksum-crc32 trailer.
		t.Run("unseekable-trailer", func(t *testing.T) {
			data := randomData(3*mib+5, 31)
			rec := &wireRecorder{next: srv.client.Transport}
			put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("trailer/obj"),
				Body: io.MultiReader(bytes.NewReader(data)), ContentLength: aws.Int64(int64(len(data)))},
				func(o *s3.Options) { o.HTTPClient = &http.Client{Transport: rec} })
			if err != nil {
				t.Fatalf("PutObject unseekable: %v", err)
			}
			// What went over the wire: the SDK's default trailer, not a fallback.
			puts := rec.find(http.MethodPut, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
			if len(puts) != 1 || puts[0].trailer != "x-amz-checksum-crc32" || !strings.Contains(puts[0].contentEncoding, "aws-chunked") {
				t.Errorf("PUT signing %s, want one STREAMING-UNSIGNED-PAYLOAD-TRAILER aws-chunked PUT with an x-amz-checksum-crc32 trailer (%+v)", rec.summary(), puts)
			}
			if got := aws.ToString(put.ChecksumCRC32); got != crc32Base64(data) {
				t.Errorf("CRC32 %q, want %q", got, crc32Base64(data))
			}
			assertObject(t, c, bucket, "trailer/obj", data)
			// The same with a CRC32C, CRC64NVME and SHA256 trailer.
			for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha256} {
				key := "trailer/" + strings.ToLower(string(alg))
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(key), ChecksumAlgorithm: alg,
					Body: io.MultiReader(bytes.NewReader(data)), ContentLength: aws.Int64(int64(len(data)))})
				if err != nil {
					t.Fatalf("PutObject unseekable %s: %v", alg, err)
				}
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
				if err != nil {
					t.Fatalf("GetObject %s: %v", key, err)
				}
				sha, _, err := readerSHA256(out.Body) // the SDK validates the stored checksum while reading
				out.Body.Close()
				if err != nil || sha != sha256Hex(data) {
					t.Errorf("GetObject %s: sha ok=%v err %v", key, sha == sha256Hex(data), err)
				}
			}
		})
	}

	t.Run("bad-digest", func(t *testing.T) {
		// Content-MD5 or a checksum that does not match the body: BadDigest
		// (400) and nothing is stored.
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("bad/md5"), Body: bytes.NewReader(small),
			ContentMD5: aws.String("AAAAAAAAAAAAAAAAAAAAAA==")})
		wantAPIError(t, err, "BadDigest", http.StatusBadRequest)
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("bad/crc32c"), Body: bytes.NewReader(big),
			ChecksumCRC32C: aws.String("AQIDBA==")})
		wantAPIError(t, err, "BadDigest", http.StatusBadRequest)
		for _, k := range []string{"bad/md5", "bad/crc32c"} {
			_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(k)})
			wantAPIError(t, err, "", http.StatusNotFound)
		}
	})

	t.Run("ranges", func(t *testing.T) {
		n := int64(len(big))
		for _, r := range []struct {
			hdr        string
			start, end int64 // inclusive
		}{
			{"bytes=0-9", 0, 9},
			{"bytes=100-", 100, n - 1},
			{"bytes=-50", n - 50, n - 1},
			{fmt.Sprintf("bytes=%d-%d", n-1, n-1), n - 1, n - 1},
			{fmt.Sprintf("bytes=1000-%d", n+5000), 1000, n - 1}, // end past the size is clamped
		} {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("dir/big.bin"), Range: aws.String(r.hdr)})
			if err != nil {
				t.Errorf("GetObject Range %s: %v", r.hdr, err)
				continue
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, big[r.start:r.end+1]) {
				t.Errorf("Range %s: got %d bytes, want %d (content differs or wrong length)", r.hdr, len(got), r.end-r.start+1)
			}
			wantCR := fmt.Sprintf("bytes %d-%d/%d", r.start, r.end, n)
			if aws.ToString(out.ContentRange) != wantCR {
				t.Errorf("Range %s: Content-Range %q, want %q", r.hdr, aws.ToString(out.ContentRange), wantCR)
			}
		}
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("dir/big.bin"), Range: aws.String(fmt.Sprintf("bytes=%d-", n+10))})
		wantAPIError(t, err, "InvalidRange", http.StatusRequestedRangeNotSatisfiable)
	})

	t.Run("preconditions", func(t *testing.T) {
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("small.txt")})
		if err != nil {
			t.Fatalf("HeadObject: %v", err)
		}
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("small.txt"), IfMatch: aws.String(`"0123456789abcdef0123456789abcdef"`)})
		wantAPIError(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("small.txt"), IfNoneMatch: head.ETag})
		wantAPIError(t, err, "", http.StatusNotModified)
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("small.txt"), IfModifiedSince: head.LastModified})
		wantAPIError(t, err, "", http.StatusNotModified)
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("small.txt"), IfUnmodifiedSince: aws.Time(time.Now().Add(-48 * time.Hour))})
		wantAPIError(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("small.txt"), IfMatch: head.ETag})
		if err != nil {
			t.Fatalf("GetObject If-Match current ETag: %v", err)
		}
		out.Body.Close()
		// Conditional write: If-None-Match: * on an existing key.
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("small.txt"), Body: bytes.NewReader([]byte("overwrite")), IfNoneMatch: aws.String("*")})
		wantAPIError(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
		assertObject(t, c, bucket, "small.txt", small)
	})

	t.Run("list-v2", func(t *testing.T) { awsListScenario(t, c, bucket) })
	t.Run("multipart", func(t *testing.T) { awsMultipartScenario(t, c, bucket, mode) })
	t.Run("copy", func(t *testing.T) { awsCopyScenario(t, c, bucket, big) })
	t.Run("presign", func(t *testing.T) { awsPresignScenario(t, srv, c, bucket) })
	t.Run("delete", func(t *testing.T) { awsDeleteScenario(t, c, bucket) })
}

// assertObject checks that key holds exactly want.
// crc32Base64 is the x-amz-checksum-crc32 value of b.
func crc32Base64(b []byte) string {
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(b)))
}

func assertObject(t testing.TB, c *s3.Client, bucket, key string, want []byte) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("GetObject %q: %v", key, err)
	}
	defer out.Body.Close()
	sha, n, err := readerSHA256(out.Body)
	if err != nil {
		t.Fatalf("GetObject %q body: %v", key, err)
	}
	if sha != sha256Hex(want) {
		t.Errorf("object %q: %d bytes sha %s, want %d bytes sha %s", key, n, sha, len(want), sha256Hex(want))
	}
}

func awsListScenario(t *testing.T, c *s3.Client, bucket string) {
	ctx := context.Background()
	// Keys under a fresh prefix so earlier steps do not interfere.
	keys := []string{"l/a", "l/b/1", "l/b/2", "l/c/1", "l/d", "l/e/x/y", "l/f", "l/g/"}
	for _, k := range keys {
		body := k
		if strings.HasSuffix(k, "/") {
			body = "" // a directory marker
		}
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader(body)}); err != nil {
			t.Fatalf("PutObject %q: %v", k, err)
		}
	}
	var gotKeys, gotPrefixes []string
	var token *string
	pages := 0
	for {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
			Bucket: &bucket, Prefix: aws.String("l/"), Delimiter: aws.String("/"),
			MaxKeys: aws.Int32(2), ContinuationToken: token,
		})
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		pages++
		if n := len(out.Contents) + len(out.CommonPrefixes); n > 2 {
			t.Errorf("page %d has %d entries, MaxKeys is 2", pages, n)
		}
		for _, o := range out.Contents {
			gotKeys = append(gotKeys, aws.ToString(o.Key))
		}
		for _, p := range out.CommonPrefixes {
			gotPrefixes = append(gotPrefixes, aws.ToString(p.Prefix))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		if out.NextContinuationToken == nil || pages > 20 {
			t.Fatalf("truncated page %d without a usable NextContinuationToken", pages)
		}
		token = out.NextContinuationToken
	}
	wantKeys := []string{"l/a", "l/d", "l/f"}
	wantPrefixes := []string{"l/b/", "l/c/", "l/e/", "l/g/"}
	if !slices.Equal(gotKeys, wantKeys) || !slices.Equal(gotPrefixes, wantPrefixes) {
		t.Errorf("list l/ with delimiter: keys %v prefixes %v, want %v %v", gotKeys, gotPrefixes, wantKeys, wantPrefixes)
	}
	if pages != 4 {
		t.Errorf("pages = %d, want 4 (7 entries, 2 per page)", pages)
	}

	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("l/b/")})
	if err != nil {
		t.Fatalf("ListObjectsV2 prefix: %v", err)
	}
	var flat []string
	for _, o := range out.Contents {
		flat = append(flat, aws.ToString(o.Key))
		if aws.ToInt64(o.Size) != int64(len(aws.ToString(o.Key))) {
			t.Errorf("%s size %d", aws.ToString(o.Key), aws.ToInt64(o.Size))
		}
	}
	if !slices.Equal(flat, []string{"l/b/1", "l/b/2"}) || aws.ToInt32(out.KeyCount) != 2 {
		t.Errorf("list l/b/: %v (KeyCount %d)", flat, aws.ToInt32(out.KeyCount))
	}

	out, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("l/"), StartAfter: aws.String("l/c/1")})
	if err != nil {
		t.Fatalf("ListObjectsV2 start-after: %v", err)
	}
	flat = flat[:0]
	for _, o := range out.Contents {
		flat = append(flat, aws.ToString(o.Key))
	}
	if !slices.Equal(flat, []string{"l/d", "l/e/x/y", "l/f", "l/g/"}) {
		t.Errorf("list start-after l/c/1: %v", flat)
	}
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket + "-missing")})
	wantAPIError(t, err, "NoSuchBucket", http.StatusNotFound)
}

func awsDeleteScenario(t *testing.T, c *s3.Client, bucket string) {
	ctx := context.Background()
	_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	wantAPIError(t, err, "BucketNotEmpty", http.StatusConflict)

	// DeleteObject of a missing key succeeds (204), as in S3.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String("never/existed")}); err != nil {
		t.Errorf("DeleteObject missing key: %v", err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String("small.txt")}); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("small.txt")})
	wantAPIError(t, err, "", http.StatusNotFound)

	// DeleteObjects in pages of up to 1000 until the bucket is empty.
	for range 10 {
		list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		if len(list.Contents) == 0 {
			break
		}
		ids := []types.ObjectIdentifier{{Key: aws.String("not-there")}}
		var want []string
		for _, o := range list.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
			want = append(want, aws.ToString(o.Key))
		}
		out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: ids}})
		if err != nil {
			t.Fatalf("DeleteObjects: %v", err)
		}
		if len(out.Errors) > 0 {
			t.Errorf("DeleteObjects errors: %+v", out.Errors[0])
		}
		var got []string
		for _, d := range out.Deleted {
			got = append(got, aws.ToString(d.Key))
		}
		want = append(want, "not-there") // a missing key is reported deleted
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("DeleteObjects deleted %v, want %v", got, want)
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	wantAPIError(t, err, "", http.StatusNotFound)
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	wantAPIError(t, err, "NoSuchBucket", http.StatusNotFound)
}
