package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// badCases is the table of hostile requests; codes and statuses are those
// AWS S3 answers (see api/s3err for the mapping the server implements).
func badCases() []badCase {
	body := []byte("must never be stored")
	sig64 := strings.Repeat("0", 64)
	var uploadID string // shared by the CompleteMultipartUpload case and its after

	return []badCase{
		// --- authentication ---
		{name: "anonymous-put", status: http.StatusForbidden, code: "AccessDenied",
			build: func(_ *testing.T, e *badEnv) *rawRequest { return e.put("bad/anon", body) }},
		{name: "auth-header-garbage", status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/garbage", body)
				r.set("X-Amz-Date", e.good.now.UTC().Format(amzDateFormat))
				r.set("X-Amz-Content-Sha256", unsignedPay)
				r.set("Authorization", "AWS4-HMAC-SHA256 garbage")
				return r
			}},
		{name: "auth-header-truncated", status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.signed(e.put("bad/truncated", body))
				a := r.get("Authorization")
				r.set("Authorization", a[:strings.Index(a, "/us-east-1")+4]) // Credential=<key>/<date>/us-
				return r
			}},
		{name: "auth-header-no-signature", status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.signed(e.put("bad/nosig", body))
				a := r.get("Authorization")
				r.set("Authorization", a[:strings.Index(a, ", Signature=")])
				return r
			}},
		{name: "auth-unknown-scheme", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/bearer", body)
				r.set("Authorization", "Bearer abcdef")
				return r
			}},
		{name: "wrong-signature", status: http.StatusForbidden, code: "SignatureDoesNotMatch",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/wrongsig", body)
				s := e.good
				s.secret += "x"
				s.sign(r, e.srv.host, sha256Hex(r.body))
				return r
			}},
		{name: "signed-header-altered", status: http.StatusForbidden, code: "SignatureDoesNotMatch",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/altered", body)
				r.set("X-Amz-Meta-Color", "blue")
				e.signed(r)
				r.set("X-Amz-Meta-Color", "red")
				return r
			}},
		{name: "unknown-access-key", status: http.StatusForbidden, code: "InvalidAccessKeyId",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/unknownkey", body)
				s := e.good
				s.access = "NOSUCHACCESSKEY0001"
				s.sign(r, e.srv.host, sha256Hex(r.body))
				return r
			}},
		{name: "wrong-region", status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/region", body)
				s := e.good
				s.region = "eu-west-1"
				s.sign(r, e.srv.host, sha256Hex(r.body))
				return r
			}},
		{name: "date-skewed-past", status: http.StatusForbidden, code: "RequestTimeTooSkewed",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/skew-past", body)
				s := e.good
				s.now = s.now.Add(-time.Hour)
				s.sign(r, e.srv.host, sha256Hex(r.body))
				return r
			}},
		{name: "date-skewed-future", status: http.StatusForbidden, code: "RequestTimeTooSkewed",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/skew-future", body)
				s := e.good
				s.now = s.now.Add(time.Hour)
				s.sign(r, e.srv.host, sha256Hex(r.body))
				return r
			}},
		{name: "payload-hash-mismatch", status: http.StatusBadRequest, code: "XAmzContentSHA256Mismatch",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/hash", body)
				e.good.sign(r, e.srv.host, sha256Hex([]byte("some other body")))
				return r
			}},
		{name: "payload-hash-invalid", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/hash-invalid", body)
				e.good.sign(r, e.srv.host, "not-a-sha256")
				return r
			}},

		{name: "v2-wrong-signature", status: http.StatusForbidden, code: "SignatureDoesNotMatch",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/v2sig", body)
				signV2(r, rootUser, rootPassword+"x", e.good.now)
				return r
			}},
		{name: "v2-unknown-access-key", status: http.StatusForbidden, code: "InvalidAccessKeyId",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/v2key", body)
				signV2(r, "NOSUCHACCESSKEY0001", rootPassword, e.good.now)
				return r
			}},
		{name: "v2-date-skewed", status: http.StatusForbidden, code: "RequestTimeTooSkewed",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/v2skew", body)
				signV2(r, rootUser, rootPassword, e.good.now.Add(-time.Hour))
				return r
			}},

		// --- presigned URLs ---
		{name: "presigned-expired", status: http.StatusForbidden, code: "AccessDenied",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/presigned-expired", body)
				s := e.good
				s.now = s.now.Add(-2 * time.Hour)
				s.presign(r, e.srv.host, time.Minute)
				return r
			}},
		{name: "presigned-expires-over-7-days", status: http.StatusBadRequest, code: "AuthorizationQueryParametersError",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/presigned-long", body)
				e.good.presign(r, e.srv.host, 7*24*time.Hour+time.Second)
				return r
			}},
		{name: "presigned-wrong-signature", status: http.StatusForbidden, code: "SignatureDoesNotMatch",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/presigned-sig", body)
				s := e.good
				s.secret += "x"
				s.presign(r, e.srv.host, time.Minute)
				return r
			}},

		// --- aws-chunked framing (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) ---
		{name: "chunk-size-not-hex", status: http.StatusBadRequest, code: "IncompleteBody",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r, _ := streamingHeaders(e, "bad/chunk-hex", 4)
				r.body = []byte("zz;chunk-signature=" + sig64 + "\r\nabcd\r\n0;chunk-signature=" + sig64 + "\r\n\r\n")
				return r
			}},
		{name: "chunk-truncated", status: http.StatusBadRequest, code: "IncompleteBody",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r, seed := streamingHeaders(e, "bad/chunk-trunc", len(body))
				full := e.good.chunkedBody(seed, body, nil)
				r.body = full[:len(full)/2] // the connection ends mid-chunk
				return r
			}},
		{name: "chunk-missing-final", status: http.StatusBadRequest, code: "IncompleteBody",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r, seed := streamingHeaders(e, "bad/chunk-final", len(body))
				r.body = e.good.chunkedBody(seed, body) // no zero-length chunk
				return r
			}},
		{name: "chunk-length-mismatch", status: http.StatusBadRequest, code: "IncompleteBody",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r, seed := streamingHeaders(e, "bad/chunk-len", len(body)+100)
				r.body = e.good.chunkedBody(seed, body, nil)
				return r
			}},
		{name: "chunk-bad-signature", status: http.StatusForbidden, code: "SignatureDoesNotMatch",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r, _ := streamingHeaders(e, "bad/chunk-sig", len(body))
				r.body = e.good.chunkedBody(sig64, body, nil) // chained from a wrong seed
				return r
			}},
		{name: "chunk-no-decoded-length", status: http.StatusLengthRequired, code: "MissingContentLength",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/chunk-nolen", nil)
				r.set("Content-Encoding", "aws-chunked")
				seed := e.good.sign(r, e.srv.host, streamingPay)
				r.body = e.good.chunkedBody(seed, body, nil)
				return r
			}},

		{name: "trailer-checksum-mismatch", status: http.StatusBadRequest, code: "BadDigest",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return unsignedTrailerPut(e, "bad/trailer", body, crc32Base64([]byte("other")))
			}},

		// --- headers ---
		{name: "oversized-headers", status: http.StatusRequestHeaderFieldsTooLarge, transport: true,
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/big-headers", body)
				for i := range 40 {
					r.set(fmt.Sprintf("X-Junk-%d", i), strings.Repeat("j", 32<<10))
				}
				return e.signed(r)
			}},
		{name: "metadata-too-large", status: http.StatusBadRequest, code: "MetadataTooLarge",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/big-meta", body)
				r.set("X-Amz-Meta-Big", strings.Repeat("m", 3<<10))
				return e.signed(r)
			}},

		// --- XML bodies ---
		{name: "malformed-xml-delete-objects", status: http.StatusBadRequest, code: "MalformedXML",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				x := []byte("<Delete><Object><Key>control/signed</Key></Object>")
				r := &rawRequest{method: http.MethodPost, path: "/" + e.bucket, query: [][2]string{{"delete", ""}}, body: x}
				r.set("Content-MD5", contentMD5(x))
				return e.signed(r)
			}},
		{name: "not-xml-delete-objects", status: http.StatusBadRequest, code: "MalformedXML",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				x := []byte("control/signed")
				r := &rawRequest{method: http.MethodPost, path: "/" + e.bucket, query: [][2]string{{"delete", ""}}, body: x}
				r.set("Content-MD5", contentMD5(x))
				return e.signed(r)
			}},
		{name: "malformed-xml-create-bucket", status: http.StatusBadRequest, code: "MalformedXML",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				x := []byte("<CreateBucketConfiguration><LocationConstraint>us-east-1")
				return e.signed(&rawRequest{method: http.MethodPut, path: "/" + e.bucket + "-xml", body: x})
			}},
		{name: "malformed-xml-complete-multipart", status: http.StatusBadRequest, code: "MalformedXML",
			build: func(t *testing.T, e *badEnv) *rawRequest {
				uploadID = createMultipart(t, e, "bad/complete")
				e.good.now = time.Now()
				x := []byte("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>")
				r := &rawRequest{method: http.MethodPost, path: objectPath(e.bucket, "bad/complete"), query: [][2]string{{"uploadId", uploadID}}, body: x}
				return e.signed(r)
			},
			after: func(t *testing.T, e *badEnv) { abortMultipart(t, e, "bad/complete", uploadID) }},

		// --- names ---
		{name: "bucket-name-too-short", status: http.StatusBadRequest, code: "InvalidBucketName",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodPut, path: "/ab"})
			}},
		{name: "bucket-name-too-long", status: http.StatusBadRequest, code: "InvalidBucketName",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodPut, path: "/e2e-bad-" + strings.Repeat("x", 56)})
			}},
		{name: "bucket-name-upper-case", status: http.StatusBadRequest, code: "InvalidBucketName",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodPut, path: "/e2e-bad-UPPER"})
			}},
		{name: "bucket-name-underscore", status: http.StatusBadRequest, code: "InvalidBucketName",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodPut, path: "/e2e-bad-under_score"})
			}},
		{name: "bucket-name-double-dot", status: http.StatusBadRequest, code: "InvalidBucketName",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodPut, path: "/e2e-bad-..dots"})
			}},
		{name: "bucket-name-ip-address", status: http.StatusBadRequest, code: "InvalidBucketName",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodPut, path: "/192.168.10.20"})
			}},
		{name: "key-too-long", status: http.StatusBadRequest, code: "KeyTooLongError",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(e.put(strings.Repeat("k", 1025), body))
			}},

		// --- Content-Length ---
		{name: "content-length-negative", status: http.StatusBadRequest, transport: true,
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.signed(e.put("bad/neg", body))
				r.contentLength = "-1"
				return r
			}},
		{name: "content-length-overflow", status: http.StatusBadRequest, transport: true,
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.signed(e.put("bad/overflow", body))
				r.contentLength = "18446744073709551616"
				return r
			}},
		{name: "content-length-conflicting", status: http.StatusBadRequest, transport: true,
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.signed(e.put("bad/conflict", body))
				r.noContentLength = true
				r.headers = append(r.headers, header{"Content-Length", "3"}, header{"Content-Length", "4"})
				return r
			}},
		// A single PUT may create an object of up to 5 TiB. A larger announced
		// length is refused from the headers alone: only a few bytes follow,
		// so a server waiting for the body would miss the case's deadline.
		{name: "content-length-over-5TiB", status: http.StatusBadRequest, code: "EntityTooLarge",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/huge", body)
				e.good.sign(r, e.srv.host, unsignedPay)
				r.contentLength = strconv.FormatInt(5<<40+1, 10)
				return r
			}},
		{name: "part-length-over-5GiB", status: http.StatusBadRequest, code: "EntityTooLarge",
			build: func(t *testing.T, e *badEnv) *rawRequest {
				uploadID = createMultipart(t, e, "bad/huge-part")
				e.good.now = time.Now()
				r := &rawRequest{method: http.MethodPut, path: objectPath(e.bucket, "bad/huge-part"),
					query: [][2]string{{"partNumber", "1"}, {"uploadId", uploadID}}, body: body}
				e.good.sign(r, e.srv.host, unsignedPay)
				r.contentLength = strconv.FormatInt(5<<30+1, 10) // parts are at most 5 GiB
				return r
			},
			after: func(t *testing.T, e *badEnv) { abortMultipart(t, e, "bad/huge-part", uploadID) }},
		{name: "decoded-length-over-5TiB", status: http.StatusBadRequest, code: "EntityTooLarge",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r, seed := streamingHeaders(e, "bad/huge-chunked", 5<<40+1)
				r.body = e.good.chunkedBody(seed, body, nil)
				return r
			}},
	}
}
