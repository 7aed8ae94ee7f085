package e2e

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// badCase is one hostile request and the S3 answer it must get.
type badCase struct {
	name string
	// build returns the request; now is the server-aligned clock.
	build  func(t *testing.T, env *badEnv) *rawRequest
	status int
	code   string // S3 error code in the XML body
	// transport marks answers Go's HTTP server gives before any handler runs
	// (malformed framing): the status must match, the body need not be XML.
	transport bool
	// after, if set, undoes what build prepared (before the state check).
	after func(t *testing.T, env *badEnv)
}

// badEnv is what the cases build on.
type badEnv struct {
	srv    *server
	bucket string // exists, holds the baseline objects
	good   v4     // valid credentials, current time
}

func (e *badEnv) put(key string, body []byte) *rawRequest {
	return &rawRequest{method: http.MethodPut, path: objectPath(e.bucket, key), body: body}
}

func (e *badEnv) signed(r *rawRequest) *rawRequest {
	sum := sha256Hex(r.body)
	e.good.sign(r, e.srv.host, sum)
	return r
}

func contentMD5(b []byte) string {
	s := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	eachServer(t, badInputScenario)
}

// badInputScenario sends the controls, then every bad case, to srv: each
// case must get its status and S3 code, leave the server healthy and change
// nothing stored.
func badInputScenario(t *testing.T, srv *server) {
	ctx := context.Background()
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenRequired)
	bucket := uniqueBucket(t, "bad")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	// Every chunk but the last must be at least 8 KiB (InvalidChunkSizeError).
	chunkOne := randomData(8192, 9)
	env := &badEnv{srv: srv, bucket: bucket, good: v4{access: rootUser, secret: rootPassword, region: region, now: time.Now()}}

	// Controls: the hand-made signer and framing are right, so the failures
	// below are about the one thing each case breaks.
	t.Run("control", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			build func() *rawRequest
		}{
			{"signed-put", func() *rawRequest { return env.signed(env.put("control/signed", []byte("signed body"))) }},
			{"unsigned-payload", func() *rawRequest {
				r := env.put("control/unsigned", []byte("unsigned body"))
				env.good.now = time.Now()
				env.good.sign(r, srv.host, unsignedPay)
				return r
			}},
			{"streaming-chunked", func() *rawRequest {
				return streamingPut(env, "control/chunked", chunkOne, []byte("chunk two"))
			}},
			{"unsigned-trailer", func() *rawRequest {
				return unsignedTrailerPut(env, "control/trailer", chunkOne, crc32Base64(chunkOne))
			}},
			{"sigv2-put", func() *rawRequest {
				r := env.put("control/v2", []byte("v2 body"))
				signV2(r, rootUser, rootPassword, time.Now())
				return r
			}},
			{"sigv2-presigned-get", func() *rawRequest {
				r := &rawRequest{method: http.MethodGet, path: objectPath(bucket, "control/signed")}
				presignV2(r, rootUser, rootPassword, time.Now().Add(time.Minute))
				return r
			}},
			{"presigned-get", func() *rawRequest {
				r := &rawRequest{method: http.MethodGet, path: objectPath(bucket, "control/signed")}
				env.good.presign(r, srv.host, time.Minute)
				return r
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env.good.now = time.Now()
				resp, err := sendRaw(srv, tc.build(), 30*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if resp.status != http.StatusOK {
					t.Fatalf("control request: status %d, body:\n%s", resp.status, clip(string(resp.body)))
				}
			})
		}
		assertObject(t, c, bucket, "control/chunked", append(append([]byte{}, chunkOne...), "chunk two"...))
		assertObject(t, c, bucket, "control/unsigned", []byte("unsigned body"))
		assertObject(t, c, bucket, "control/trailer", chunkOne)
	})

	before := snapshot(t, c)
	for _, tc := range append(badCases(), badCasesMore()...) {
		t.Run(tc.name, func(t *testing.T) {
			env.good.now = time.Now()
			resp, err := sendRaw(srv, tc.build(t, env), 10*time.Second)
			if err != nil {
				t.Fatalf("no response: %v", err)
			}
			checkBadResponse(t, tc, resp)
			if tc.after != nil {
				tc.after(t, env)
			}
			if !srv.alive() || !srv.healthy("live") {
				t.Fatalf("server not healthy after %s", tc.name)
			}
			if after := snapshot(t, c); !slices.Equal(after, before) {
				t.Errorf("state changed:\n before %v\n after  %v", before, after)
				before = after // report each change once
			}
		})
	}
}

func checkBadResponse(t *testing.T, tc badCase, resp rawResponse) {
	t.Helper()
	if resp.status != tc.status {
		t.Errorf("status %d, want %d %s; body:\n%s", resp.status, tc.status, tc.code, clip(string(resp.body)))
		return
	}
	if tc.transport {
		return
	}
	e, err := parseS3Error(resp.body)
	if err != nil {
		t.Errorf("want %s in an XML error body: %v; body:\n%s", tc.code, err, clip(string(resp.body)))
		return
	}
	if e.Code != tc.code {
		t.Errorf("code %s (%q), want %s", e.Code, e.Message, tc.code)
	}
	if e.RequestID == "" || resp.header.Get("X-Amz-Request-Id") == "" {
		t.Errorf("%s: RequestId %q, x-amz-request-id %q: want both", e.Code, e.RequestID, resp.header.Get("X-Amz-Request-Id"))
	}
	if ct := resp.header.Get("Content-Type"); !strings.Contains(ct, "xml") {
		t.Errorf("Content-Type %q, want application/xml", ct)
	}
}

// snapshot lists every bucket and every object key (with size) of the
// buckets whose names start with "e2e-bad-".
func snapshot(t *testing.T, c *s3.Client) []string {
	t.Helper()
	ctx := context.Background()
	out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	var state []string
	for _, b := range out.Buckets {
		name := aws.ToString(b.Name)
		if !strings.HasPrefix(name, "e2e-bad-") {
			continue
		}
		state = append(state, "bucket "+name)
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: b.Name})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListObjectsV2 %s: %v", name, err)
			}
			for _, o := range page.Contents {
				state = append(state, fmt.Sprintf("object %s/%s %d", name, aws.ToString(o.Key), aws.ToInt64(o.Size)))
			}
		}
		ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b.Name})
		if err != nil {
			t.Fatalf("ListMultipartUploads %s: %v", name, err)
		}
		for _, u := range ups.Uploads {
			state = append(state, fmt.Sprintf("upload %s/%s", name, aws.ToString(u.Key)))
		}
	}
	return state
}

// streamingPut is a correct STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload.
func streamingPut(env *badEnv, key string, chunks ...[]byte) *rawRequest {
	r := env.put(key, nil)
	var n int
	for _, c := range chunks {
		n += len(c)
	}
	r.set("Content-Encoding", "aws-chunked")
	r.set("X-Amz-Decoded-Content-Length", strconv.Itoa(n))
	seed := env.good.sign(r, env.srv.host, streamingPay)
	r.body = env.good.chunkedBody(seed, append(chunks, nil)...)
	return r
}

// streamingHeaders signs a streaming upload of decoded length n and returns
// the request (without body) and the seed signature.
func streamingHeaders(env *badEnv, key string, n int) (*rawRequest, string) {
	r := env.put(key, nil)
	r.set("Content-Encoding", "aws-chunked")
	r.set("X-Amz-Decoded-Content-Length", strconv.Itoa(n))
	return r, env.good.sign(r, env.srv.host, streamingPay)
}

// createMultipart starts an upload with the SDK-independent signer and
// returns its ID.
func createMultipart(t *testing.T, env *badEnv, key string) string {
	t.Helper()
	r := &rawRequest{method: http.MethodPost, path: objectPath(env.bucket, key), query: [][2]string{{"uploads", ""}}}
	resp, err := sendRaw(env.srv, env.signed(r), 30*time.Second)
	if err != nil || resp.status != http.StatusOK {
		t.Fatalf("CreateMultipartUpload: %v %d %s", err, resp.status, resp.body)
	}
	var out struct {
		UploadID string `xml:"UploadId"`
	}
	if err := xml.Unmarshal(resp.body, &out); err != nil || out.UploadID == "" {
		t.Fatalf("CreateMultipartUpload body: %v\n%s", err, resp.body)
	}
	return out.UploadID
}

// abortMultipart removes an upload so that the state snapshot is unchanged.
func abortMultipart(t *testing.T, env *badEnv, key, id string) {
	t.Helper()
	env.good.now = time.Now()
	r := &rawRequest{method: http.MethodDelete, path: objectPath(env.bucket, key), query: [][2]string{{"uploadId", id}}}
	resp, err := sendRaw(env.srv, env.signed(r), 30*time.Second)
	if err != nil || resp.status != http.StatusNoContent {
		t.Errorf("AbortMultipartUpload: %v %d %s", err, resp.status, resp.body)
	}
}

// unsignedTrailerPut is a STREAMING-UNSIGNED-PAYLOAD-TRAILER upload of data in
// one chunk with an x-amz-checksum-crc32 trailer of value crc.
func unsignedTrailerPut(env *badEnv, key string, data []byte, crc string) *rawRequest {
	r := env.put(key, nil)
	r.set("Content-Encoding", "aws-chunked")
	r.set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	r.set("X-Amz-Trailer", "x-amz-checksum-crc32")
	env.good.sign(r, env.srv.host, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	body := fmt.Appendf(nil, "%x\r\n", len(data))
	body = append(body, data...)
	body = append(body, "\r\n0\r\nx-amz-checksum-crc32:"+crc+"\r\n\r\n"...)
	r.body = body
	return r
}
