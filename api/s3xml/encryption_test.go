package s3xml

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/silo-project/silo/api/s3err"
)

func TestDecodeEncryption(t *testing.T) {
	tests := []struct {
		name, body, alg, key string
		ok                   bool
	}{
		{"aes", `<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`, "AES256", "", true},
		{"kms", `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>k1</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`, "aws:kms", "k1", true},
		{"bad alg", `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`, "", "", false},
		{"aes with key", `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`, "", "", false},
		{"no rule", `<ServerSideEncryptionConfiguration></ServerSideEncryptionConfiguration>`, "", "", false},
		{"empty", ``, "", "", false},
		{"not xml", `<ServerSideEncryptionConfiguration>`, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeEncryption(strings.NewReader(tt.body))
			if !tt.ok {
				if s3err.From(err) != s3err.MalformedXML {
					t.Fatalf("got %v, want MalformedXML", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := c.Rules[0].Default; d.SSEAlgorithm != tt.alg || d.KMSMasterKeyID != tt.key {
				t.Fatalf("decoded %+v", d)
			}
		})
	}
	out, err := xml.Marshal(ServerSideEncryptionConfiguration{XMLNS: "http://s3.amazonaws.com/doc/2006-03-01/",
		Rules: []ServerSideEncryptionRule{{Default: ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"}}}})
	if err != nil || !bytes.Contains(out, []byte(`<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>`)) {
		t.Fatalf("encoded %s %v", out, err)
	}
}

func FuzzDecodeEncryption(f *testing.F) {
	f.Add([]byte(`<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>k1</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeEncryption(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && (len(c.Rules) != 1 || c.Rules[0].Default.SSEAlgorithm != "AES256" && c.Rules[0].Default.SSEAlgorithm != "aws:kms") {
			t.Fatalf("accepted %+v", c)
		}
	})
}
