package e2e

import (
	"strings"
	"testing"
)

// FuzzParseS3Error feeds arbitrary bytes (what a server may answer) to the
// error-document parser: it must never panic, and a parsed document always
// has a trimmed, non-empty code.
func FuzzParseS3Error(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>m</Message><RequestId>1</RequestId></Error>`))
	f.Add([]byte(`<Error><Code> </Code></Error>`))
	f.Add([]byte(`<ListBucketResult/>`))
	f.Add([]byte(`400 Bad Request`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := parseS3Error(body)
		if err != nil {
			return
		}
		if e.Code == "" || e.Code != strings.TrimSpace(e.Code) {
			t.Fatalf("bad code %q", e.Code)
		}
	})
}

func TestParseS3Error(t *testing.T) {
	tests := []struct {
		name, body, code, reqID string
		ok                      bool
	}{
		{"full", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>ABC</RequestId><HostId>h</HostId></Error>`, "NoSuchKey", "ABC", true},
		{"spaces", "<Error>\n <Code> AccessDenied </Code>\n</Error>", "AccessDenied", "", true},
		{"empty code", `<Error><Code></Code></Error>`, "", "", false},
		{"other root", `<ListBucketResult></ListBucketResult>`, "", "", false},
		{"plain text", `400 Bad Request`, "", "", false},
		{"empty", ``, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := parseS3Error([]byte(tc.body))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if e.Code != tc.code || e.RequestID != tc.reqID {
				t.Fatalf("got %+v, want code %q request id %q", e, tc.code, tc.reqID)
			}
		})
	}
}
