package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/silo-project/silo/api/s3err"
)

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-1", "bytes=5-", "bytes=-3", "bytes=1-0", "bytes=0-1,2-3", "items=1-2", "bytes=-"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, v string, size int64) {
		r := parseRange(v)
		if r == nil || size < 0 {
			return
		}
		off, n, err := r.Resolve(size)
		if err == nil && (off < 0 || n < 0 || off+n > size) {
			t.Fatalf("%q on %d resolved to %d+%d", v, size, off, n)
		}
	})
}

func FuzzParseCopySource(f *testing.F) {
	for _, s := range []string{"/b/k", "bkt/dir/k%20x?versionId=v", "b", "/bucket/", "%zz", "bkt/a/../b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		src, err := parseCopySource(v)
		var se *s3err.Error
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("untyped error %v", err)
		}
		if err == nil && (src.bucket == "" || src.key == "") {
			t.Fatalf("accepted %q as %+v", v, src)
		}
	})
}

func FuzzParseCopyRange(f *testing.F) {
	for _, s := range []string{"bytes=0-1", "bytes=1-0", "bytes=-1", "0-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r, err := parseCopyRange(v)
		if err == nil && r != nil && (r.Start < 0 || r.End < r.Start) {
			t.Fatalf("accepted %q as %+v", v, r)
		}
	})
}

func FuzzReadPostForm(f *testing.F) {
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\ndata\r\n--x--\r\n"))
	f.Add([]byte("--x--\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/bkt", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		form, file, err := readPostForm(r)
		var se *s3err.Error
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("untyped error %v", err)
		}
		if err == nil && (form == nil || file == nil) {
			t.Fatal("no error but no form")
		}
	})
}

func FuzzConditional(f *testing.F) {
	f.Add(`"abc"`, `W/"abc", "def"`, "Mon, 02 Jan 2006 15:04:05 GMT", "garbage")
	f.Fuzz(func(t *testing.T, ifMatch, ifNoneMatch, ims, ius string) {
		h := http.Header{}
		h.Set("If-Match", ifMatch)
		h.Set("If-None-Match", ifNoneMatch)
		h.Set("If-Modified-Since", ims)
		h.Set("If-Unmodified-Since", ius)
		_ = readConditional(h, "")
	})
}
