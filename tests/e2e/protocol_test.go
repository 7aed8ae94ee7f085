package e2e

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestExpectContinueEmptyBody: botocore (the AWS CLI, boto3) sends
// "Expect: 100-continue" on every PutObject/UploadPart, even with an empty
// body. When the final answer comes without a preceding "100 Continue" on a
// connection that stays open, botocore 1.29 (Debian 12) keeps the early
// answer's state on the pooled connection: the next request on it never
// sends its body and stalls until the read timeout. So a server must either
// send "100 Continue" first or close the connection after such an answer.
func TestExpectContinueEmptyBody(t *testing.T) {
	t.Parallel()
	srv := httpServer(t)
	bucket := uniqueBucket(t, "expect")
	env := &badEnv{srv: srv, bucket: bucket, good: v4{access: rootUser, secret: rootPassword, region: region, now: time.Now()}}
	resp, err := sendRaw(srv, env.signed(&rawRequest{method: http.MethodPut, path: "/" + bucket}), 10*time.Second)
	if err != nil || resp.status != http.StatusOK {
		t.Fatalf("create bucket: %v %d %s", err, resp.status, resp.body)
	}

	conn, err := net.DialTimeout("tcp", srv.host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	env.good.now = time.Now()
	r := env.put("empty", nil)
	r.set("Expect", "100-continue")
	env.signed(r)
	wire := strings.Replace(string(r.wire(srv.host)), "Connection: close\r\n", "", 1) // keep-alive, as botocore
	if _, err := conn.Write([]byte(wire)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("read status: %v", err)
	}
	sentContinue := strings.HasPrefix(status, "HTTP/1.1 100")
	if sentContinue {
		for { // skip the 100 response's (empty) header block
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if line == "\r\n" {
				break
			}
		}
		if status, err = br.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(status, "HTTP/1.1 200") {
		t.Fatalf("final status %q, want 200", strings.TrimSpace(status))
	}
	closes := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
		if strings.EqualFold(strings.TrimSpace(line), "Connection: close") {
			closes = true
		}
	}
	if !sentContinue && !closes {
		t.Errorf("an empty PUT with Expect: 100-continue was answered 200 without a preceding 100 Continue on a kept-alive connection; botocore (aws CLI, boto3) then stalls on its next request on that connection. Send 100 Continue first or Connection: close")
	}
}
