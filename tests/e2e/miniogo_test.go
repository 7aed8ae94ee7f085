package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/minio/crc64nvme"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// newMinioClient returns a minio-go client for srv. With trailing, uploads
// carry checksum trailers (the Checksum/AutoChecksum options need them).
func newMinioClient(t testing.TB, srv *server, trailing bool) *minio.Client {
	t.Helper()
	return newMinioClientVia(t, srv, trailing, srv.client.Transport)
}

// newMinioClientVia is newMinioClient sending its requests through rt.
func newMinioClientVia(t testing.TB, srv *server, trailing bool, rt http.RoundTripper) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.host, &minio.Options{
		Creds:           credentials.NewStaticV4(rootUser, rootPassword, ""),
		Secure:          srv.tls,
		Transport:       rt,
		Region:          region,
		BucketLookup:    minio.BucketLookupPath,
		TrailingHeaders: trailing,
		MaxRetries:      1,
	})
	if err != nil {
		t.Fatalf("minio.New: %v", err)
	}
	return c
}

// wantMinioCode asserts err is an S3 error response with code.
func wantMinioCode(t testing.TB, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %s", code)
	}
	r := minio.ToErrorResponse(err)
	if r.Code != code || r.StatusCode != status {
		t.Errorf("got %q (%d) %v, want %s (%d)", r.Code, r.StatusCode, err, code, status)
	}
}

func TestMinioGo(t *testing.T) {
	t.Parallel()
	for _, trailing := range []bool{false, true} {
		name := "plain"
		if trailing {
			name = "trailing-checksums"
		}
		t.Run(name, func(t *testing.T) {
			eachServer(t, func(t *testing.T, srv *server) {
				minioScenario(t, srv, trailing)
			})
		})
	}
}

func minioScenario(t *testing.T, srv *server, trailing bool) {
	ctx := context.Background()
	rec := &wireRecorder{next: srv.client.Transport}
	c := newMinioClientVia(t, srv, trailing, rec)
	bucket := uniqueBucket(t, "mgo")
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: region}); err != nil {
		t.Fatalf("MakeBucket: %v", err)
	}
	if ok, err := c.BucketExists(ctx, bucket); err != nil || !ok {
		t.Fatalf("BucketExists = %v, %v", ok, err)
	}
	wantMinioCode(t, c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: region}), "BucketAlreadyOwnedByYou", http.StatusConflict)

	// Uploads: streaming signature over HTTP (STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
	// -TRAILER with checksums), unsigned payload over TLS.
	uploads := []struct {
		name string
		key  string
		size int64
		n    int64 // size passed to PutObject (-1: unknown)
		opts minio.PutObjectOptions
	}{
		{"known-size", "put/known", 3*mib + 17, 3*mib + 17, minio.PutObjectOptions{ContentType: "application/x-k", UserMetadata: map[string]string{"Origin": "minio-go"}}},
		{"unknown-size-small", "put/unknown-small", 200 << 10, -1, minio.PutObjectOptions{PartSize: 5 * mib}},
		{"unknown-size-multipart", "put/unknown-big", 12*mib + 3, -1, minio.PutObjectOptions{PartSize: 5 * mib}},
		{"single-put-no-multipart", "put/single", 6 * mib, 6 * mib, minio.PutObjectOptions{DisableMultipart: true}},
		{"empty", "put/empty", 0, 0, minio.PutObjectOptions{}},
	}
	for i, u := range uploads {
		t.Run(u.name, func(t *testing.T) {
			data := randomData(int(u.size), uint64(100+i))
			info, err := c.PutObject(ctx, bucket, u.key, bytes.NewReader(data), u.n, u.opts)
			if err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			if info.Size != u.size {
				t.Errorf("UploadInfo.Size = %d, want %d", info.Size, u.size)
			}
			minioAssertObject(t, c, bucket, u.key, data)
		})
	}
	t.Run("signing-mode", func(t *testing.T) {
		// Over plain HTTP minio-go signs every chunk of a body
		// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD); over TLS it sends
		// UNSIGNED-PAYLOAD. Unknown-length uploads (size -1) went through
		// the same path.
		want := "UNSIGNED-PAYLOAD"
		if !srv.tls {
			want = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
		}
		puts := rec.find(http.MethodPut, want)
		if len(puts) < len(uploads)-1 { // the empty object may be sent unframed
			t.Errorf("%d PUTs signed %s, want at least %d; seen: %s", len(puts), want, len(uploads)-1, rec.summary())
		}
		for _, p := range puts {
			if strings.HasPrefix(want, "STREAMING") && p.contentEncoding != "aws-chunked" && !strings.Contains(p.contentEncoding, "aws-chunked") {
				t.Errorf("streaming PUT without Content-Encoding aws-chunked: %+v", p)
			}
		}
	})
	t.Run("stat", func(t *testing.T) {
		st, err := c.StatObject(ctx, bucket, "put/known", minio.StatObjectOptions{})
		if err != nil {
			t.Fatalf("StatObject: %v", err)
		}
		if st.Size != 3*mib+17 || st.ContentType != "application/x-k" || st.UserMetadata["Origin"] != "minio-go" {
			t.Errorf("StatObject: size %d type %q meta %v", st.Size, st.ContentType, st.UserMetadata)
		}
		_, err = c.StatObject(ctx, bucket, "put/missing", minio.StatObjectOptions{})
		wantMinioCode(t, err, "NoSuchKey", http.StatusNotFound)
		// HEAD has no body, so the bucket case is checked with a GET.
		obj, err := c.GetObject(ctx, bucket+"-missing", "k", minio.GetObjectOptions{})
		if err == nil {
			_, err = io.ReadAll(obj)
			obj.Close()
		}
		wantMinioCode(t, err, "NoSuchBucket", http.StatusNotFound)
	})
	if trailing {
		t.Run("checksums", func(t *testing.T) {
			minioChecksumScenario(t, c, bucket)
			// Checksums travel as trailers of an aws-chunked body: chunk
			// signatures and a trailer signature over HTTP, unsigned over TLS.
			want := "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
			if srv.tls {
				want = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
			}
			puts := rec.find(http.MethodPut, want)
			if len(puts) == 0 {
				t.Errorf("no PUT signed %s; seen: %s", want, rec.summary())
			}
			for _, p := range puts {
				if !strings.HasPrefix(p.trailer, "x-amz-checksum-") {
					t.Errorf("%s PUT announces trailer %q, want an x-amz-checksum-*", want, p.trailer)
				}
			}
		})
	}
	t.Run("fput-multipart", func(t *testing.T) {
		dir := t.TempDir()
		src := filepath.Join(dir, "src.bin")
		want := writeRandomFile(t, src, 17*mib+1, 7)
		info, err := c.FPutObject(ctx, bucket, "fput/big.bin", src, minio.PutObjectOptions{PartSize: 5 * mib})
		if err != nil {
			t.Fatalf("FPutObject: %v", err)
		}
		if !strings.HasSuffix(info.ETag, "-4") {
			t.Errorf("multipart ETag %q, want a 4-part ETag", info.ETag)
		}
		dst := filepath.Join(dir, "dst.bin")
		if err := c.FGetObject(ctx, bucket, "fput/big.bin", dst, minio.GetObjectOptions{}); err != nil {
			t.Fatalf("FGetObject: %v", err)
		}
		if got := fileSHA256(t, dst); got != want {
			t.Errorf("FGetObject sha %s, want %s", got, want)
		}
	})
	t.Run("ranges", func(t *testing.T) {
		data := randomData(int(3*mib+17), 100)
		for _, r := range []struct {
			name       string
			start, end int64 // SetRange arguments
			from, to   int   // expected slice
		}{
			{"first-bytes", 0, 9, 0, 10},
			{"middle", 1000, 1999999, 1000, 2000000},
			{"suffix", 0, -5, len(data) - 5, len(data)},
			{"from-offset", 3 * mib, 0, 3 * mib, len(data)},
		} {
			opts := minio.GetObjectOptions{}
			if err := opts.SetRange(r.start, r.end); err != nil {
				t.Fatal(err)
			}
			obj, err := c.GetObject(ctx, bucket, "put/known", opts)
			if err != nil {
				t.Fatalf("GetObject %s: %v", r.name, err)
			}
			got, err := io.ReadAll(obj)
			obj.Close()
			if err != nil {
				t.Errorf("GetObject %s: %v", r.name, err)
				continue
			}
			if !bytes.Equal(got, data[r.from:r.to]) {
				t.Errorf("range %s: %d bytes, want %d (or content differs)", r.name, len(got), r.to-r.from)
			}
		}
		obj, err := c.GetObject(ctx, bucket, "put/missing", minio.GetObjectOptions{})
		if err != nil {
			t.Fatalf("GetObject: %v", err)
		}
		_, err = io.ReadAll(obj)
		obj.Close()
		wantMinioCode(t, err, "NoSuchKey", http.StatusNotFound)
	})
	t.Run("copy", func(t *testing.T) {
		src := minio.CopySrcOptions{Bucket: bucket, Object: "put/known"}
		dst := minio.CopyDestOptions{Bucket: bucket, Object: "copy/known", ReplaceMetadata: true, UserMetadata: map[string]string{"Copied": "yes"}}
		if _, err := c.CopyObject(ctx, dst, src); err != nil {
			t.Fatalf("CopyObject: %v", err)
		}
		minioAssertObject(t, c, bucket, "copy/known", randomData(int(3*mib+17), 100))
		st, err := c.StatObject(ctx, bucket, "copy/known", minio.StatObjectOptions{})
		if err != nil {
			t.Fatalf("StatObject: %v", err)
		}
		if st.UserMetadata["Copied"] != "yes" || st.UserMetadata["Origin"] != "" {
			t.Errorf("copied metadata %v", st.UserMetadata)
		}
		_, err = c.CopyObject(ctx, minio.CopyDestOptions{Bucket: bucket, Object: "copy/x"}, minio.CopySrcOptions{Bucket: bucket, Object: "put/missing"})
		wantMinioCode(t, err, "NoSuchKey", http.StatusNotFound)
	})
	t.Run("presigned", func(t *testing.T) {
		data := randomData(123457, 5)
		u, err := c.PresignedPutObject(ctx, bucket, "presigned/obj", 5*time.Minute)
		if err != nil {
			t.Fatalf("PresignedPutObject: %v", err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.client.Do(req)
		if err != nil {
			t.Fatalf("presigned PUT: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("presigned PUT: %s %s", resp.Status, body)
		}
		g, err := c.PresignedGetObject(ctx, bucket, "presigned/obj", 5*time.Minute, nil)
		if err != nil {
			t.Fatalf("PresignedGetObject: %v", err)
		}
		resp, err = srv.client.Get(g.String())
		if err != nil {
			t.Fatalf("presigned GET: %v", err)
		}
		sha, _, err := readerSHA256(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || sha != sha256Hex(data) {
			t.Errorf("presigned GET: %s sha ok=%v err %v", resp.Status, sha == sha256Hex(data), err)
		}
	})
	t.Run("list", func(t *testing.T) {
		all := minioList(t, c, bucket, minio.ListObjectsOptions{Recursive: true})
		want := []string{"copy/known", "fput/big.bin", "presigned/obj", "put/empty", "put/known", "put/single", "put/unknown-big", "put/unknown-small"}
		if trailing {
			want = append(want, "sum/crc32", "sum/crc32c", "sum/crc64nvme", "sum/multipart", "sum/sha256")
			sort.Strings(want)
		}
		if !slices.Equal(all, want) {
			t.Errorf("recursive list:\n got %v\nwant %v", all, want)
		}
		top := minioList(t, c, bucket, minio.ListObjectsOptions{})
		wantTop := []string{"copy/", "fput/", "presigned/", "put/"}
		if trailing {
			wantTop = append(wantTop, "sum/")
		}
		if !slices.Equal(top, wantTop) {
			t.Errorf("top-level list: got %v want %v", top, wantTop)
		}
		pre := minioList(t, c, bucket, minio.ListObjectsOptions{Prefix: "put/unknown", Recursive: true})
		if !slices.Equal(pre, []string{"put/unknown-big", "put/unknown-small"}) {
			t.Errorf("prefix list: %v", pre)
		}
	})
	t.Run("remove-objects", func(t *testing.T) {
		objs := make(chan minio.ObjectInfo)
		go func() {
			defer close(objs)
			for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
				if o.Err != nil {
					return
				}
				objs <- o
			}
		}()
		for e := range c.RemoveObjects(ctx, bucket, objs, minio.RemoveObjectsOptions{}) {
			t.Errorf("RemoveObjects %s: %v", e.ObjectName, e.Err)
		}
		if left := minioList(t, c, bucket, minio.ListObjectsOptions{Recursive: true}); len(left) != 0 {
			t.Errorf("after RemoveObjects: %v", left)
		}
		if err := c.RemoveBucket(ctx, bucket); err != nil {
			t.Errorf("RemoveBucket: %v", err)
		}
	})
}

func minioList(t testing.TB, c *minio.Client, bucket string, opts minio.ListObjectsOptions) []string {
	t.Helper()
	var keys []string
	for o := range c.ListObjects(context.Background(), bucket, opts) {
		if o.Err != nil {
			t.Fatalf("ListObjects: %v", o.Err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}

func minioAssertObject(t testing.TB, c *minio.Client, bucket, key string, want []byte) {
	t.Helper()
	obj, err := c.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer obj.Close()
	sha, n, err := readerSHA256(obj)
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	if sha != sha256Hex(want) {
		t.Errorf("GetObject %s: %d bytes sha %s, want %d bytes sha %s", key, n, sha, len(want), sha256Hex(want))
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func minioChecksumScenario(t *testing.T, c *minio.Client, bucket string) {
	ctx := context.Background()
	data := randomData(mib+333, 77)
	crc32c := binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	crc32ieee := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data))
	crc64 := binary.BigEndian.AppendUint64(nil, crc64nvme.Checksum(data))
	sha := sha256.Sum256(data)
	for _, cs := range []struct {
		key  string
		typ  minio.ChecksumType
		want string
		get  func(minio.ObjectInfo) string
	}{
		{"sum/crc32c", minio.ChecksumCRC32C, b64(crc32c), func(o minio.ObjectInfo) string { return o.ChecksumCRC32C }},
		{"sum/crc32", minio.ChecksumCRC32, b64(crc32ieee), func(o minio.ObjectInfo) string { return o.ChecksumCRC32 }},
		{"sum/crc64nvme", minio.ChecksumCRC64NVME, b64(crc64), func(o minio.ObjectInfo) string { return o.ChecksumCRC64NVME }},
		{"sum/sha256", minio.ChecksumSHA256, b64(sha[:]), func(o minio.ObjectInfo) string { return o.ChecksumSHA256 }},
	} {
		t.Run(cs.key, func(t *testing.T) {
			if _, err := c.PutObject(ctx, bucket, cs.key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{Checksum: cs.typ}); err != nil {
				t.Fatalf("PutObject Checksum=%v: %v", cs.typ, err)
			}
			st, err := c.StatObject(ctx, bucket, cs.key, minio.StatObjectOptions{Checksum: true})
			if err != nil {
				t.Fatalf("StatObject: %v", err)
			}
			if got := cs.get(st); got != cs.want {
				t.Errorf("stored %v = %q, want %q", cs.typ, got, cs.want)
			}
			minioAssertObject(t, c, bucket, cs.key, data)
		})
	}
	t.Run("auto-checksum-multipart", func(t *testing.T) {
		big := randomData(11*mib, 78)
		info, err := c.PutObject(ctx, bucket, "sum/multipart", bytes.NewReader(big), int64(len(big)),
			minio.PutObjectOptions{PartSize: 5 * mib, AutoChecksum: minio.ChecksumCRC32C})
		if err != nil {
			t.Fatalf("PutObject multipart with AutoChecksum: %v", err)
		}
		st, err := c.StatObject(ctx, bucket, "sum/multipart", minio.StatObjectOptions{Checksum: true})
		if err != nil {
			t.Fatalf("StatObject: %v", err)
		}
		if info.ChecksumCRC32C == "" || st.ChecksumCRC32C != info.ChecksumCRC32C {
			t.Errorf("multipart CRC32C: stat %q upload %q", st.ChecksumCRC32C, info.ChecksumCRC32C)
		}
		minioAssertObject(t, c, bucket, "sum/multipart", big)
	})
}
