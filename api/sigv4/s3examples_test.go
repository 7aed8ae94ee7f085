package sigv4

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// TestS3DocumentedExamples verifies the requests of the AWS pages
// "Signature Calculations for the Authorization Header: Transferring Payload
// in a Single Chunk" and "Authenticating Requests: Using Query Parameters".
func TestS3DocumentedExamples(t *testing.T) {
	at := mustTime(t, amzDateFormat, "20130524T000000Z")
	auth := func(signed, sig string) string {
		return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=" + signed + ",Signature=" + sig
	}
	const host = "examplebucket.s3.amazonaws.com"
	tests := []struct {
		name, method, target, body string
		hdr                        map[string]string
		at                         string // clock, default the example date
		err                        error
	}{
		{
			name: "GET object", method: "GET", target: "/test.txt",
			hdr: map[string]string{
				"Range": "bytes=0-9", "x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
			},
		},
		{
			name: "PUT object", method: "PUT", target: "/test%24file.text", body: "Welcome to Amazon S3.",
			hdr: map[string]string{
				"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date": "20130524T000000Z",
				"x-amz-storage-class":  "REDUCED_REDUNDANCY",
				"x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
				"Authorization":        auth("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
			},
		},
		{
			name: "PUT object, '$' sent unescaped", method: "PUT", target: "/test$file.text", body: "Welcome to Amazon S3.",
			hdr: map[string]string{
				"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date": "20130524T000000Z",
				"x-amz-storage-class":  "REDUCED_REDUNDANCY",
				"x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
				"Authorization":        auth("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
			},
		},
		{
			name: "PUT object, payload tampered", method: "PUT", target: "/test%24file.text", body: "Welcome to Amazon S4.",
			hdr: map[string]string{
				"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date": "20130524T000000Z",
				"x-amz-storage-class":  "REDUCED_REDUNDANCY",
				"x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
				"Authorization":        auth("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
			},
			err: ErrContentSHA256Mismatch,
		},
		{
			name: "PUT object, storage class tampered", method: "PUT", target: "/test%24file.text", body: "Welcome to Amazon S3.",
			hdr: map[string]string{
				"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date": "20130524T000000Z",
				"x-amz-storage-class":  "STANDARD",
				"x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
				"Authorization":        auth("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
			},
			err: ErrSignatureDoesNotMatch,
		},
		{
			name: "GET bucket lifecycle", method: "GET", target: "/?lifecycle",
			hdr: map[string]string{
				"x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
			},
		},
		{
			name: "GET bucket lifecycle, written ?lifecycle=", method: "GET", target: "/?lifecycle=",
			hdr: map[string]string{
				"x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
			},
		},
		{
			name: "GET bucket list", method: "GET", target: "/?max-keys=2&prefix=J",
			hdr: map[string]string{
				"x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
			},
		},
		{
			name: "GET bucket list, query reordered", method: "GET", target: "/?prefix=J&max-keys=2",
			hdr: map[string]string{
				"x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
			},
		},
		{
			name: "GET bucket list, query tampered", method: "GET", target: "/?max-keys=3&prefix=J",
			hdr: map[string]string{
				"x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
			},
			err: ErrSignatureDoesNotMatch,
		},
		{
			name: "GET object, clock 16 minutes ahead", method: "GET", target: "/test.txt", at: "20130524T001600Z",
			hdr: map[string]string{
				"Range": "bytes=0-9", "x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
			},
			err: ErrRequestTimeTooSkewed,
		},
		{
			name: "GET object, clock 14 minutes behind", method: "GET", target: "/test.txt", at: "20130523T234600Z",
			hdr: map[string]string{
				"Range": "bytes=0-9", "x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
				"Authorization": auth("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
			},
		},
		{
			name: "presigned GET", method: "GET",
			target: "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
		},
		{
			name: "presigned GET, after expiry", method: "GET", at: "20130525T000001Z",
			target: "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			err:    ErrExpiredPresignRequest,
		},
		{
			name: "presigned GET, path tampered", method: "GET",
			target: "/test.txy?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			err:    ErrSignatureDoesNotMatch,
		},
		{
			name: "presigned GET plus Authorization header", method: "GET",
			target: "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			hdr:    map[string]string{"Authorization": auth("host", strings.Repeat("0", 64))},
			err:    ErrAccessDeniedMixedAuth,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := at
			if tt.at != "" {
				now = mustTime(t, amzDateFormat, tt.at)
			}
			r := newReq(tt.method, host, tt.target, tt.body, tt.hdr)
			res, body, err := verifyAndRead(verifierAt(now), r)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if res.AccessKey != exampleAccessKey || res.Anonymous {
				t.Fatalf("result = %+v", res)
			}
			if string(body) != tt.body {
				t.Fatalf("body = %q", body)
			}
		})
	}
}

// awsChunkedExample is one of the two requests of the AWS page "Signature
// Calculations for the Authorization Header: Transferring Payload in
// Multiple Chunks" (and its trailer variant): 66560 bytes of 'a' in chunks
// of 65536 and 1024 bytes.
type awsChunkedExample struct {
	mode, signedHeaders, seed string
	sigs                      [3]string
	trailer, trailerSig       string
}

var (
	chunkedExample = awsChunkedExample{
		mode:          streamingSigned,
		signedHeaders: "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
		seed:          "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
		sigs: [3]string{
			"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
			"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
			"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
		},
	}
	chunkedTrailerExample = awsChunkedExample{
		mode:          streamingSignedTrailer,
		signedHeaders: "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
		seed:          "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
		sigs: [3]string{
			"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
			"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
			"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
		},
		trailer:    "x-amz-checksum-crc32c:sOO8/Q==",
		trailerSig: "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435",
	}
)

func (e awsChunkedExample) body() string {
	b := "10000;chunk-signature=" + e.sigs[0] + "\r\n" + strings.Repeat("a", 65536) + "\r\n" +
		"400;chunk-signature=" + e.sigs[1] + "\r\n" + strings.Repeat("a", 1024) + "\r\n" +
		"0;chunk-signature=" + e.sigs[2] + "\r\n"
	if e.trailer != "" {
		b += e.trailer + "\r\n" + "x-amz-trailer-signature:" + e.trailerSig + "\r\n"
	}
	return b + "\r\n"
}

func (e awsChunkedExample) request(body string) map[string]string {
	h := map[string]string{
		"x-amz-date":                   "20130524T000000Z",
		"x-amz-storage-class":          "REDUCED_REDUNDANCY",
		"x-amz-content-sha256":         e.mode,
		"Content-Encoding":             "aws-chunked",
		"x-amz-decoded-content-length": "66560",
		"Content-Length":               strconv.Itoa(len(e.body())), // signed: keep the documented value
		"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=" +
			e.signedHeaders + ",Signature=" + e.seed,
	}
	if e.trailer != "" {
		h["x-amz-trailer"] = "x-amz-checksum-crc32c"
	}
	return h
}

func TestS3DocumentedChunkedExamples(t *testing.T) {
	at := mustTime(t, amzDateFormat, "20130524T000000Z")
	good := chunkedExample.body()
	goodT := chunkedTrailerExample.body()
	sigs := chunkedExample.sigs
	tests := []struct {
		name string
		ex   awsChunkedExample
		body string
		err  error
	}{
		{"signed payload", chunkedExample, good, nil},
		{"signed payload with trailer", chunkedTrailerExample, goodT, nil},
		{"data byte changed", chunkedExample, strings.Replace(good, "a\r\n400;", "b\r\n400;", 1), ErrSignatureDoesNotMatch},
		{"chunk signature changed", chunkedExample, strings.Replace(good, sigs[1], strings.Repeat("0", 64), 1), ErrSignatureDoesNotMatch},
		{"chunk signature missing", chunkedExample, strings.Replace(good, "400;chunk-signature="+sigs[1], "400", 1), ErrSignatureDoesNotMatch},
		{"final signature changed", chunkedExample, strings.Replace(good, sigs[2], sigs[1], 1), ErrSignatureDoesNotMatch},
		{"truncated in data", chunkedExample, good[:1000], ErrIncompleteBody},
		{"final chunk missing", chunkedExample, good[:strings.Index(good, "0;chunk-signature="+sigs[2])], ErrIncompleteBody},
		{"bad size", chunkedExample, strings.Replace(good, "400;", "4x0;", 1), ErrMalformedChunk},
		{"missing CRLF after data", chunkedExample, strings.Replace(good, "a\r\n400;", "aX\n400;", 1), ErrMalformedChunk},
		{"trailer on untrailed body", chunkedExample, strings.TrimSuffix(good, "\r\n") + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n", ErrMalformedChunk},
		{"trailer value changed", chunkedTrailerExample, strings.Replace(goodT, "sOO8/Q==", "AAAAAA==", 1), ErrSignatureDoesNotMatch},
		{"trailer added", chunkedTrailerExample, strings.Replace(goodT, "sOO8/Q==\r\n", "sOO8/Q==\r\nx-amz-meta-x:1\r\n", 1), ErrSignatureDoesNotMatch},
		{"trailer signature missing", chunkedTrailerExample, strings.Replace(goodT, "x-amz-trailer-signature:"+chunkedTrailerExample.trailerSig+"\r\n", "", 1), ErrSignatureDoesNotMatch},
		{"trailer signature changed", chunkedTrailerExample, strings.Replace(goodT, chunkedTrailerExample.trailerSig, chunkedTrailerExample.seed, 1), ErrSignatureDoesNotMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReq("PUT", "s3.amazonaws.com", "/examplebucket/chunkObject.txt", tt.body, tt.ex.request(tt.body))
			res, body, err := verifyAndRead(verifierAt(at), r)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if string(body) != strings.Repeat("a", 66560) || res.ContentLength != 66560 {
				t.Fatalf("decoded %d bytes, ContentLength %d", len(body), res.ContentLength)
			}
			tr := res.Trailers()
			if tt.ex.trailer != "" && tr.Get("x-amz-checksum-crc32c") != "sOO8/Q==" {
				t.Fatalf("trailers = %v", tr)
			}
			if tt.ex.trailer == "" && tr != nil {
				t.Fatalf("unexpected trailers %v", tr)
			}
		})
	}
}

func TestSignedBodyHelper(t *testing.T) {
	tests := []struct {
		name, trailer string
		chunks        []string
	}{
		{"two chunks", "", []string{"hello", "world"}},
		{"with trailer", "x-amz-checksum-crc32:NSRBwg==", []string{"abc"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := signedBody(fuzzSigner(), tt.chunks, tt.trailer)
			want := strings.Join(tt.chunks, "")
			cr := newChunkedReader(strings.NewReader(string(body)), fuzzSigner(), tt.trailer != "", int64(len(want)))
			got, err := io.ReadAll(cr)
			if err != nil || string(got) != want {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
}
