package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// badCasesMore extends badCases: missing or malformed request dates and
// presign parameters, digests, and numbers out of range (lengths, part
// numbers, max-keys). Codes are those AWS S3 answers.
func badCasesMore() []badCase {
	body := []byte("must never be stored")
	var uploadID string

	// presignWith presigns a PUT and then replaces (or, with "", removes)
	// one query parameter.
	presignWith := func(e *badEnv, key, param, value string) *rawRequest {
		r := e.put(key, body)
		e.good.presign(r, e.srv.host, time.Minute)
		q := r.query[:0]
		for _, kv := range r.query {
			if kv[0] == param {
				if value == "" {
					continue
				}
				kv[1] = value
			}
			q = append(q, kv)
		}
		r.query = q
		return r
	}
	// partPut is an UploadPart of body with the given partNumber value.
	partPut := func(t *testing.T, e *badEnv, key, partNumber string) *rawRequest {
		uploadID = createMultipart(t, e, key)
		e.good.now = time.Now()
		r := &rawRequest{method: http.MethodPut, path: objectPath(e.bucket, key),
			query: [][2]string{{"partNumber", partNumber}, {"uploadId", uploadID}}, body: body}
		return e.signed(r)
	}
	abort := func(key string) func(*testing.T, *badEnv) {
		return func(t *testing.T, e *badEnv) { abortMultipart(t, e, key, uploadID) }
	}
	decodedLength := func(e *badEnv, key, n string) *rawRequest {
		r := e.put(key, nil)
		r.set("Content-Encoding", "aws-chunked")
		r.set("X-Amz-Decoded-Content-Length", n)
		seed := e.good.sign(r, e.srv.host, streamingPay)
		r.body = e.good.chunkedBody(seed, body, nil)
		return r
	}

	return []badCase{
		// --- request dates ---
		{name: "date-missing", status: http.StatusForbidden, code: "AccessDenied",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.signed(e.put("bad/nodate", body))
				h := r.headers[:0]
				for _, x := range r.headers {
					if !strings.EqualFold(x.name, "X-Amz-Date") {
						h = append(h, x)
					}
				}
				r.headers = h
				return r
			}},
		{name: "date-malformed", status: http.StatusForbidden, code: "AccessDenied",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.signed(e.put("bad/baddate", body))
				r.set("X-Amz-Date", "yesterday")
				return r
			}},

		{name: "v2-auth-header-malformed", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/v2-malformed", body)
				signV2(r, rootUser, rootPassword, e.good.now)
				r.set("Authorization", "AWS "+rootUser) // no ":signature"
				return r
			}},

		// --- presigned query parameters ---
		{name: "presigned-expires-not-a-number", status: http.StatusBadRequest, code: "AuthorizationQueryParametersError",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return presignWith(e, "bad/presigned-nan", "X-Amz-Expires", "soon")
			}},
		{name: "presigned-expires-negative", status: http.StatusBadRequest, code: "AuthorizationQueryParametersError",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return presignWith(e, "bad/presigned-neg", "X-Amz-Expires", "-60")
			}},
		{name: "presigned-no-signature", status: http.StatusBadRequest, code: "AuthorizationQueryParametersError",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return presignWith(e, "bad/presigned-nosig", "X-Amz-Signature", "")
			}},
		{name: "presigned-no-credential", status: http.StatusBadRequest, code: "AuthorizationQueryParametersError",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return presignWith(e, "bad/presigned-nocred", "X-Amz-Credential", "")
			}},
		{name: "presigned-not-yet-valid", status: http.StatusForbidden, code: "AccessDenied",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/presigned-future", body)
				s := e.good
				s.now = s.now.Add(time.Hour)
				s.presign(r, e.srv.host, time.Minute)
				return r
			}},

		{name: "v2-presigned-expired", status: http.StatusForbidden, code: "AccessDenied",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/v2-presigned-expired", body)
				presignV2(r, rootUser, rootPassword, e.good.now.Add(-time.Minute))
				return r
			}},
		{name: "v2-presigned-wrong-signature", status: http.StatusForbidden, code: "SignatureDoesNotMatch",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/v2-presigned-sig", body)
				presignV2(r, rootUser, rootPassword+"x", e.good.now.Add(time.Minute))
				return r
			}},

		// --- digests ---
		{name: "content-md5-invalid", status: http.StatusBadRequest, code: "InvalidDigest",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/md5-invalid", body)
				r.set("Content-MD5", "not base64!")
				return e.signed(r)
			}},
		{name: "content-md5-mismatch", status: http.StatusBadRequest, code: "BadDigest",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/md5-mismatch", body)
				r.set("Content-MD5", contentMD5([]byte("another body")))
				return e.signed(r)
			}},

		// --- numbers out of range ---
		// A client that waits for "100 Continue" before sending 5 TiB + 1
		// bytes gets its refusal instead, without sending a byte of body.
		{name: "expect-continue-over-5TiB", status: http.StatusBadRequest, code: "EntityTooLarge",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r := e.put("bad/huge-expect", nil)
				r.set("Expect", "100-continue")
				e.good.sign(r, e.srv.host, unsignedPay)
				r.contentLength = strconv.FormatInt(5<<40+1, 10)
				return r
			}},
		// An x-amz-decoded-content-length that is not a length is treated as
		// a missing one (as when the header is absent).
		{name: "decoded-length-negative", status: http.StatusLengthRequired, code: "MissingContentLength",
			build: func(_ *testing.T, e *badEnv) *rawRequest { return decodedLength(e, "bad/dec-neg", "-1") }},
		{name: "decoded-length-overflow", status: http.StatusLengthRequired, code: "MissingContentLength",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return decodedLength(e, "bad/dec-overflow", "18446744073709551616")
			}},
		{name: "chunk-size-overflow", status: http.StatusBadRequest, code: "IncompleteBody",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				r, _ := streamingHeaders(e, "bad/chunk-overflow", len(body))
				r.body = []byte("1ffffffffffffffff;chunk-signature=" + strings.Repeat("0", 64) + "\r\n" + string(body) + "\r\n")
				return r
			}},
		{name: "part-number-zero", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(t *testing.T, e *badEnv) *rawRequest { return partPut(t, e, "bad/part0", "0") },
			after: abort("bad/part0")},
		{name: "part-number-10001", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(t *testing.T, e *badEnv) *rawRequest { return partPut(t, e, "bad/part10001", "10001") },
			after: abort("bad/part10001")},
		{name: "part-number-overflow", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(t *testing.T, e *badEnv) *rawRequest {
				return partPut(t, e, "bad/part-overflow", "18446744073709551617")
			},
			after: abort("bad/part-overflow")},
		{name: "max-keys-negative", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodGet, path: "/" + e.bucket,
					query: [][2]string{{"list-type", "2"}, {"max-keys", "-1"}}})
			}},
		{name: "max-keys-overflow", status: http.StatusBadRequest, code: "InvalidArgument",
			build: func(_ *testing.T, e *badEnv) *rawRequest {
				return e.signed(&rawRequest{method: http.MethodGet, path: "/" + e.bucket,
					query: [][2]string{{"list-type", "2"}, {"max-keys", "99999999999999999999"}}})
			}},
	}
}
