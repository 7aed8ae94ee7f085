package main

import (
	"bytes"
	"context"
	"crypto/md5"
	crand "crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sys/cpu"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/server"
)

// The SSE measurement: PUT and GET of 64 MiB objects through the real
// server, in the clear and with SSE-S3 and SSE-C, in alternating rounds.
const (
	sseSize    = 64 * mib
	sseTarget  = 0.85 // the bar: encrypted MiB/s / plain MiB/s
	sseKeyName = "silo-bench-key"
)

// sseMethod is one way of storing an object.
type sseMethod struct {
	name string
	put  func(*s3.PutObjectInput)
	get  func(*s3.GetObjectInput)
}

// sseMethods returns plain, SSE-S3 and SSE-C (with customer key ck), in
// the order of the report; plain must stay first (ratios refer to it).
func sseMethods(ck []byte) []sseMethod {
	sum := md5.Sum(ck)
	alg, key, keyMD5 := aws.String("AES256"), aws.String(base64.StdEncoding.EncodeToString(ck)), aws.String(base64.StdEncoding.EncodeToString(sum[:]))
	return []sseMethod{
		{name: "plain", put: func(*s3.PutObjectInput) {}, get: func(*s3.GetObjectInput) {}},
		{name: "SSE-S3",
			put: func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 },
			get: func(*s3.GetObjectInput) {}},
		{name: "SSE-C",
			put: func(in *s3.PutObjectInput) {
				in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, keyMD5
			},
			get: func(in *s3.GetObjectInput) {
				in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, keyMD5
			}},
	}
}

// sseReport is the outcome of the SSE phase.
type sseReport struct {
	// AES says whether the CPU has AES instructions (the target assumes so).
	AES string
	// Rounds is the number of timed rounds per transport.
	Rounds int
	Runs   []sseRun
}

// sseRun is one transport configuration.
type sseRun struct {
	// Transport describes the connection: TLS, or plain HTTP with the
	// loopback development switch.
	Transport string
	// Sent is how the client's PUTs were signed and framed; Conn is the
	// negotiated TLS version and cipher suite ("" over plain HTTP).
	Sent, Conn string
	// Methods are the names of the methods, plain first; Put[m][r] and
	// Get[m][r] are the MiB/s of method m's object in round r, PutCPU and
	// GetCPU the CPU time (ms, user and system, client and server: the whole
	// process) the operation took, which other load on the machine barely
	// changes.
	Methods        []string
	Put, Get       [][]float64
	PutCPU, GetCPU [][]float64
}

// sentRecorder is the client's transport: it remembers how the first PUT
// was signed and framed and which TLS connection carried it.
type sentRecorder struct {
	next      http.RoundTripper
	once      sync.Once
	sent      string
	mu        sync.Mutex
	tlsString string
}

func (s *sentRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut {
		s.once.Do(func() {
			s.sent = fmt.Sprintf("x-amz-content-sha256: %s; Content-Encoding: %q; x-amz-trailer: %q",
				payloadKind(r.Header.Get("X-Amz-Content-Sha256")), r.Header.Get("Content-Encoding"), r.Header.Get("X-Amz-Trailer"))
		})
	}
	resp, err := s.next.RoundTrip(r)
	if err == nil && resp.TLS != nil {
		s.mu.Lock()
		s.tlsString = tls.VersionName(resp.TLS.Version) + " " + tls.CipherSuiteName(resp.TLS.CipherSuite)
		s.mu.Unlock()
	}
	return resp, err
}

// cpuAES names the CPU's AES instructions, as far as Go can tell.
func cpuAES() string {
	switch {
	case cpu.X86.HasAES:
		return "yes (AES-NI)"
	case cpu.ARM64.HasAES:
		return "yes (ARMv8 AES)"
	}
	return "no: " + runtime.GOARCH + " without AES instructions, the 0.85 target does not apply"
}

// measureSSE starts the real server twice on fresh drives under dir, with a
// static KMS key: over TLS (a throwaway certificate for 127.0.0.1), then
// over plain HTTP with SSEInsecureLoopback. Each runs rounds timed rounds
// (after one untimed round that checks the bytes) of sseRound: a 64 MiB
// PUT per method, then its GETs, the order of the methods rotating.
func measureSSE(ctx context.Context, dir string, parity, rounds int, logf func(string, ...any)) (sseReport, error) {
	rep := sseReport{AES: cpuAES(), Rounds: rounds}
	secret, err := kms.GenerateSecret(crand.Reader)
	if err != nil {
		return rep, err
	}
	key, err := kms.NewStaticKey(sseKeyName, secret)
	if err != nil {
		return rep, err
	}
	ck := make([]byte, 32)
	if _, err := crand.Read(ck); err != nil {
		return rep, err
	}
	certs := filepath.Join(dir, "sse-certs")
	roots, err := writeLoopbackCert(certs)
	if err != nil {
		return rep, fmt.Errorf("certificate: %w", err)
	}
	defer os.RemoveAll(certs)
	data := randomBytes(sseSize)
	for _, tc := range []struct {
		name, transport string
		tls             bool
	}{
		{"tls", "TLS (self-signed certificate for 127.0.0.1)", true},
		{"http", "plain HTTP, loopback development switch (SSEInsecureLoopback)", false},
	} {
		logf("SSE over %s: %d rounds of plain, SSE-S3, SSE-C (64 MiB PUT, then %d GETs of each)...", tc.name, rounds, sseGets)
		cfg := server.Config{
			Address: "127.0.0.1:0", StandardStorageClass: fmt.Sprintf("EC:%d", parity),
			RootUser: benchUser, RootPassword: benchPassword, Region: benchRegion, KMS: key,
		}
		var trust *x509.CertPool
		if tc.tls {
			cfg.CertsDir, trust = certs, roots
		} else {
			cfg.SSEInsecureLoopback = true
		}
		run, err := sseRunOne(ctx, filepath.Join(dir, "sse-"+tc.name), cfg, trust, data, sseMethods(ck), rounds)
		if err != nil {
			return rep, fmt.Errorf("SSE over %s: %w", tc.name, err)
		}
		run.Transport = tc.transport
		rep.Runs = append(rep.Runs, run)
	}
	return rep, nil
}

// sseClient is newS3Client's client for one connection, through rec, always
// sending UNSIGNED-PAYLOAD (the SDK's own choice over TLS; over plain HTTP it
// would sign a SHA-256 of the body, a cost that is neither the server's
// encryption nor the same as over TLS).
func sseClient(endpoint string, roots *x509.CertPool) (*s3.Client, *sentRecorder) {
	tr := benchTransport(1)
	if roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	rec := &sentRecorder{next: tr}
	return s3.New(newS3Client(endpoint, 1).Options(), func(o *s3.Options) {
		o.HTTPClient = &http.Client{Transport: rec}
		o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
	}), rec
}

// sseRunOne measures one server configuration on drives under dir.
func sseRunOne(ctx context.Context, dir string, cfg server.Config, roots *x509.CertPool, data []byte, methods []sseMethod, rounds int) (sseRun, error) {
	n := len(methods)
	run := sseRun{Put: make([][]float64, n), Get: make([][]float64, n), PutCPU: make([][]float64, n), GetCPU: make([][]float64, n)}
	for _, m := range methods {
		run.Methods = append(run.Methods, m.name)
	}
	for i := range 4 {
		cfg.Drives = append(cfg.Drives, filepath.Join(dir, fmt.Sprintf("drive%d", i+1)))
	}
	defer os.RemoveAll(dir)
	srv, stop, err := startServer(ctx, cfg)
	if err != nil {
		return run, err
	}
	defer stop()
	c, rec := sseClient(srv.URL(), roots)
	const bucket = "sse"
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return run, fmt.Errorf("create bucket: %w", err)
	}
	// Round -1 warms up and compares the bytes; the others are timed.
	for round := -1; round < rounds; round++ {
		if err := sseRound(ctx, c, bucket, methods, data, round, &run); err != nil {
			return run, err
		}
	}
	run.Sent = rec.sent
	rec.mu.Lock()
	run.Conn = rec.tlsString
	rec.mu.Unlock()
	return run, nil
}

// sseGets is how many times each object is read in a round: a 64 MiB GET
// takes tens of milliseconds, short enough for one scheduling hiccup on a
// shared machine to show; the round's figure is their sum.
const sseGets = 3

// sseRound PUTs one object per method, then reads each sseGets times,
// interleaving the methods, and deletes them. Round -1 records nothing and
// compares the bytes read back with those written.
func sseRound(ctx context.Context, c *s3.Client, bucket string, methods []sseMethod, data []byte, round int, run *sseRun) error {
	order := rotate(len(methods), round+1)
	keys := make([]string, len(methods))
	for _, m := range order {
		keys[m] = fmt.Sprintf("%s/%d", methods[m].name, round+1)
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(keys[m]),
			Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data)))}
		methods[m].put(in)
		start, cpu0 := time.Now(), cpuTime()
		if _, err := c.PutObject(ctx, in); err != nil {
			return fmt.Errorf("PUT %s: %w", methods[m].name, err)
		}
		if round >= 0 {
			run.Put[m] = append(run.Put[m], mibPerSec(len(data), time.Since(start)))
			run.PutCPU[m] = append(run.PutCPU[m], ms(cpuTime()-cpu0))
		}
	}
	wall, cpu := make([]time.Duration, len(methods)), make([]time.Duration, len(methods))
	for range sseGets {
		for _, m := range order {
			in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(keys[m])}
			methods[m].get(in)
			var sink io.Writer = io.Discard
			if round < 0 {
				sink = &compareWriter{want: data}
			}
			start, cpu0 := time.Now(), cpuTime()
			out, err := c.GetObject(ctx, in)
			if err != nil {
				return fmt.Errorf("GET %s: %w", methods[m].name, err)
			}
			n, err := io.Copy(sink, out.Body)
			out.Body.Close()
			wall[m], cpu[m] = wall[m]+time.Since(start), cpu[m]+cpuTime()-cpu0
			switch {
			case err != nil:
				return fmt.Errorf("GET %s: %w", methods[m].name, err)
			case n != int64(len(data)):
				return fmt.Errorf("GET %s returned %d bytes, want %d", methods[m].name, n, len(data))
			}
		}
	}
	if round >= 0 {
		for m := range methods {
			run.Get[m] = append(run.Get[m], mibPerSec(sseGets*len(data), wall[m]))
			run.GetCPU[m] = append(run.GetCPU[m], ms(cpu[m]/sseGets))
		}
	}
	for _, k := range keys {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)}); err != nil {
			return fmt.Errorf("DELETE %s: %w", k, err)
		}
	}
	return nil
}

// compareWriter fails as soon as what is written to it differs from want.
type compareWriter struct {
	want []byte
	off  int
}

func (w *compareWriter) Write(p []byte) (int, error) {
	if w.off+len(p) > len(w.want) || !bytes.Equal(p, w.want[w.off:w.off+len(p)]) {
		return 0, fmt.Errorf("the body differs from the bytes written, after offset %d", w.off)
	}
	w.off += len(p)
	return len(p), nil
}

// rotate returns 0..n-1 starting at k mod n, so that each method in turn
// goes first in a round.
func rotate(n, k int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = (k + i) % n
	}
	return out
}

func mibPerSec(n int, d time.Duration) float64 { return float64(n) / mib / d.Seconds() }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuTime is the user and system CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sseTransportWord shortens a run's transport for the targets list.
func sseTransportWord(t string) string {
	if strings.HasPrefix(t, "TLS") {
		return "TLS"
	}
	return "plain HTTP"
}
