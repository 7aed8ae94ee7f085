package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/silo-project/silo/server"
)

// The HTTP cases: 4 KiB and 1 MiB objects at concurrency 1 and 16, PUT then
// GET of the same objects, against Silo and against the null handler.
func httpCases() []apiCase {
	return []apiCase{
		{size: 4 * kib, c: 1, d: 4 * time.Second},
		{size: 4 * kib, c: 16, d: 4 * time.Second},
		{size: mib, c: 1, d: 4 * time.Second, maxOps: 400},
		{size: mib, c: 16, d: 4 * time.Second, maxOps: 800},
	}
}

// Root credentials of the in-process server; it listens on loopback only
// and lives for the duration of the run.
const (
	benchUser     = "silo-bench"
	benchPassword = "silo-bench-loopback-only"
	benchRegion   = "us-east-1"
)

// httpReport is the outcome of the HTTP phase.
type httpReport struct {
	Silo, Null []httpResult
	// Payload is how the client signed its PUT bodies, as the null handler
	// saw it: the x-amz-content-sha256 header and Content-Encoding.
	Payload string
}

// httpResult is one PUT and the GETs that follow it, in one case.
type httpResult struct {
	Put, Get apiResult
}

// add sums the operations and times of two rounds of the same case.
func (h httpResult) add(o httpResult) httpResult {
	sum := func(a, b apiResult) apiResult {
		return apiResult{Size: b.Size, Concurrency: b.Concurrency, Ops: a.Ops + b.Ops, Seconds: a.Seconds + b.Seconds}
	}
	return httpResult{Put: sum(h.Put, o.Put), Get: sum(h.Get, o.Get)}
}

// httpRounds is how many alternating rounds each HTTP case is split into.
const httpRounds = 2

// nullHandler is the loopback ceiling: it discards PUT bodies and answers
// GETs with size fixed bytes, doing no S3 work at all.
type nullHandler struct {
	block   []byte
	size    atomic.Int64 // bytes each GET returns (set before a case)
	payload atomic.Value // string: how the first PUT was signed
}

func (h *nullHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("ETag", `"00000000000000000000000000000000"`)
	switch r.Method {
	case http.MethodPut:
		h.payload.CompareAndSwap(nil, fmt.Sprintf("x-amz-content-sha256: %s; Content-Encoding: %q",
			payloadKind(r.Header.Get("X-Amz-Content-Sha256")), r.Header.Get("Content-Encoding")))
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		n := h.size.Load()
		hdr.Set("Content-Type", "application/octet-stream")
		hdr.Set("Content-Length", strconv.FormatInt(n, 10))
		hdr.Set("Last-Modified", time.Unix(0, 0).UTC().Format(http.TimeFormat))
		_, _ = w.Write(h.block[:n])
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// payloadKind names an x-amz-content-sha256 value without printing a hash.
func payloadKind(v string) string {
	if len(v) == 64 {
		return "SHA-256 of the body (signed payload)"
	}
	if v == "" {
		return "(none)"
	}
	return v
}

// newS3Client is the client both targets are driven with: aws-sdk-go-v2 with
// its defaults for a plain-HTTP endpoint, SigV4, keep-alive connections for
// up to conns concurrent requests, checksums only where S3 requires them,
// and no retries (an error ends the run).
func newS3Client(endpoint string, conns int) *s3.Client {
	return s3.New(s3.Options{
		Region:                     benchRegion,
		BaseEndpoint:               aws.String(endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(benchUser, benchPassword, ""),
		HTTPClient:                 &http.Client{Transport: benchTransport(conns)},
		Retryer:                    aws.NopRetryer{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// benchTransport is the HTTP transport of the bench's clients: keep-alive
// connections for up to conns concurrent requests, no compression.
func benchTransport(conns int) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 2 * conns
	tr.MaxIdleConnsPerHost = 2 * conns
	tr.DisableCompression = true
	return tr
}

// startServer starts the real server with cfg in-process; stop ends it and
// waits until it has closed its store.
func startServer(ctx context.Context, cfg server.Config) (*server.Server, func(), error) {
	srv, err := server.New(ctx, cfg, server.Deps{})
	if err != nil {
		return nil, nil, fmt.Errorf("start silo: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Run(runCtx) }()
	return srv, func() {
		cancel()
		<-served
	}, nil
}

// measureHTTP starts Silo in-process on four new drive directories under
// dir and a null handler, both on loopback TCP, and runs the HTTP cases
// against each with the same client, in alternating rounds.
func measureHTTP(ctx context.Context, dir string, parity int, cases []apiCase, logf func(string, ...any)) (httpReport, error) {
	var rep httpReport
	block := randomBytes(2 * mib)

	drives := make([]string, 4)
	for i := range drives {
		drives[i] = filepath.Join(dir, fmt.Sprintf("http-drive%d", i+1))
	}
	srv, stop, err := startServer(ctx, server.Config{
		Address: "127.0.0.1:0", Drives: drives, StandardStorageClass: fmt.Sprintf("EC:%d", parity),
		RootUser: benchUser, RootPassword: benchPassword, Region: benchRegion,
	})
	if err != nil {
		return rep, err
	}
	defer stop()

	null := &nullHandler{block: block}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return rep, fmt.Errorf("null handler: %w", err)
	}
	hs := &http.Server{Handler: null, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()

	maxC := 1
	for _, tc := range cases {
		maxC = max(maxC, tc.c)
	}
	const bucket = "bench"
	siloClient := newS3Client(srv.URL(), maxC)
	if _, err := siloClient.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return rep, fmt.Errorf("create bucket: %w", err)
	}
	nullClient := newS3Client("http://"+ln.Addr().String(), maxC)

	for _, tc := range cases {
		logf("HTTP %s c=%d: null handler and silo, alternating...", sizeName(tc.size), tc.c)
		null.size.Store(tc.size)
		// Alternate short rounds so that a burst of load from elsewhere on
		// a shared machine falls on both sides alike.
		part := apiCase{size: tc.size, c: tc.c, d: tc.d / httpRounds, maxOps: tc.maxOps / httpRounds}
		var n, s httpResult
		for round := range httpRounds {
			rn, err := putGet(ctx, nullClient, bucket, part, round, block)
			if err != nil {
				return rep, fmt.Errorf("null handler: %w", err)
			}
			rs, err := putGet(ctx, siloClient, bucket, part, round, block)
			if err != nil {
				return rep, fmt.Errorf("silo: %w", err)
			}
			n, s = n.add(rn), s.add(rs)
		}
		rep.Null, rep.Silo = append(rep.Null, n), append(rep.Silo, s)
	}
	rep.Payload, _ = null.payload.Load().(string)
	return rep, nil
}

// putGet runs one round of a case: PUTs for tc.d (or tc.maxOps), then GETs
// of the objects written, each body read to its end and its length checked.
func putGet(ctx context.Context, c *s3.Client, bucket string, tc apiCase, round int, block []byte) (httpResult, error) {
	prefix := fmt.Sprintf("http/%d-c%d-r%d/", tc.size, tc.c, round)
	key := func(i int64) *string { return aws.String(fmt.Sprintf("%s%08d", prefix, i)) }
	n, secs, err := runFor(ctx, tc.c, tc.d, tc.maxOps, func(ctx context.Context, _ int, i int64) error {
		off := int(i*4099) % (len(block) - int(tc.size))
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: key(i),
			Body: bytes.NewReader(block[off : off+int(tc.size)]), ContentLength: aws.Int64(tc.size)})
		return err
	})
	if err != nil {
		return httpResult{}, fmt.Errorf("PUT %s: %w", sizeName(tc.size), err)
	}
	if n == 0 {
		return httpResult{}, errors.New("no PUT finished in time")
	}
	res := httpResult{Put: apiResult{tc.size, tc.c, n, secs}}
	written := n
	g, gsecs, err := runFor(ctx, tc.c, tc.d, 0, func(ctx context.Context, _ int, i int64) error {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: key(i % written)})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		got, err := io.Copy(io.Discard, out.Body)
		if err == nil && got != tc.size {
			err = fmt.Errorf("GET returned %d bytes, want %d", got, tc.size)
		}
		return err
	})
	if err != nil {
		return httpResult{}, fmt.Errorf("GET %s: %w", sizeName(tc.size), err)
	}
	res.Get = apiResult{tc.size, tc.c, g, gsecs}
	return res, nil
}
