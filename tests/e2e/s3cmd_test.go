package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const s3cmdBin = "/usr/bin/s3cmd"

// s3cmdConfig writes an s3cmd configuration for srv (path-style: host_bucket
// has no %(bucket)s) and returns its path.
func s3cmdConfig(t *testing.T, srv *server, sigV2 bool) string {
	t.Helper()
	pyBool := func(b bool) string {
		if b {
			return "True"
		}
		return "False"
	}
	cfg := fmt.Sprintf(`[default]
access_key = %s
secret_key = %s
host_base = %s
host_bucket = %s
bucket_location = %s
use_https = %s
check_ssl_certificate = True
check_ssl_hostname = True
ca_certs_file = %s
signature_v2 = %s
signurl_use_https = %s
multipart_chunk_size_mb = 15
progress_meter = False
`, rootUser, rootPassword, srv.host, srv.host, region, pyBool(srv.tls), srv.caFile, pyBool(sigV2), pyBool(srv.tls))
	path := filepath.Join(t.TempDir(), "s3cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestS3cmd(t *testing.T) {
	t.Parallel()
	requireTool(t, s3cmdBin)
	data := t.TempDir()
	small := filepath.Join(data, "small.txt")
	smallSHA := writeRandomFile(t, small, 10007, 51)
	big := filepath.Join(data, "big.bin")
	bigSHA := writeRandomFile(t, big, 20*mib+5, 52)

	eachServer(t, func(t *testing.T, srv *server) {
		for _, sigV2 := range []bool{false, true} {
			name := "sigv4"
			if sigV2 {
				name = "sigv2"
			}
			t.Run(name, func(t *testing.T) {
				cfg := s3cmdConfig(t, srv, sigV2)
				env := clientEnv(t.TempDir())
				s3c := func(args ...string) result {
					t.Helper()
					return runCmd(t, env, "", s3cmdBin, append([]string{"-c", cfg, "--no-progress"}, args...)...)
				}
				must := func(args ...string) result {
					t.Helper()
					r := s3c(args...)
					if r.err != nil {
						t.Fatalf("s3cmd %s failed:\n%s", strings.Join(args, " "), r)
					}
					return r
				}
				out := t.TempDir()
				bucket := uniqueBucket(t, "s3cmd")
				b := "s3://" + bucket

				must("mb", b)
				must("put", small, b+"/dir/small.txt")
				must("get", b+"/dir/small.txt", filepath.Join(out, "small.txt"))
				if got := fileSHA256(t, filepath.Join(out, "small.txt")); got != smallSHA {
					t.Errorf("small.txt sha %s, want %s", got, smallSHA)
				}

				must("put", "--multipart-chunk-size-mb=5", big, b+"/big.bin")
				head, err := newAWSClient(srv, aws.RequestChecksumCalculationWhenRequired).HeadObject(context.Background(),
					&s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("big.bin")})
				if err != nil {
					t.Fatalf("HeadObject big.bin: %v", err)
				}
				if etag := aws.ToString(head.ETag); !strings.HasSuffix(etag, `-5"`) {
					t.Errorf("big.bin ETag %s: want a 5-part multipart ETag", etag)
				}
				must("get", b+"/big.bin", filepath.Join(out, "big.bin"))
				if got := fileSHA256(t, filepath.Join(out, "big.bin")); got != bigSHA {
					t.Errorf("big.bin sha %s, want %s", got, bigSHA)
				}

				// A SigV2 presigned URL (query-string authentication) fetched with curl.
				r := must("signurl", b+"/dir/small.txt", "+300")
				signed := strings.TrimSpace(r.stdout)
				curlArgs := []string{"-sS", "-f", "-o", filepath.Join(out, "signed.txt"), signed}
				if srv.tls {
					curlArgs = append([]string{"--cacert", srv.caFile}, curlArgs...)
				}
				mustRun(t, env, "", "/usr/bin/curl", curlArgs...)
				if got := fileSHA256(t, filepath.Join(out, "signed.txt")); got != smallSHA {
					t.Errorf("signurl download sha %s, want %s", got, smallSHA)
				}

				r = must("ls", b)
				if !strings.Contains(r.stdout, "DIR") || !strings.Contains(r.stdout, b+"/dir/") || !strings.Contains(r.stdout, b+"/big.bin") {
					t.Errorf("ls %s:\n%s", b, r.stdout)
				}
				r = must("ls", "-r", b)
				if countLines(r.stdout) != 2 || !strings.Contains(r.stdout, b+"/dir/small.txt") {
					t.Errorf("ls -r %s:\n%s", b, r.stdout)
				}
				r = must("info", b+"/dir/small.txt")
				if !strings.Contains(r.stdout, "10007") {
					t.Errorf("info lacks the size 10007:\n%s", r.stdout)
				}

				r = s3c("get", b+"/dir/missing", filepath.Join(out, "missing"))
				if r.err == nil || !strings.Contains(r.stderr+r.stdout, "does not exist") {
					t.Errorf("get of a missing key: want a 'does not exist' failure, got:\n%s", r)
				}
				r = s3c("rb", b)
				if r.err == nil || !strings.Contains(r.stderr+r.stdout, "BucketNotEmpty") {
					t.Errorf("rb of a non-empty bucket: want BucketNotEmpty, got:\n%s", r)
				}

				must("del", b+"/dir/small.txt")
				must("del", b+"/big.bin")
				r = must("ls", "-r", b)
				if strings.TrimSpace(r.stdout) != "" {
					t.Errorf("bucket not empty after del:\n%s", r.stdout)
				}
				must("rb", b)
				r = s3c("ls", b)
				if r.err == nil || !strings.Contains(r.stderr+r.stdout, "NoSuchBucket") {
					t.Errorf("ls of a removed bucket: want NoSuchBucket, got:\n%s", r)
				}
			})
		}
	})
}
