package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckBucketName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"abc", true}, {"my-bucket.logs", true}, {"a1b2c3", true},
		{"ab", false}, {strings.Repeat("a", 64), false}, {"Upper", false},
		{"-start", false}, {"end-", false}, {"a..b", false}, {"a.-b", false},
		{"192.168.1.1", false}, {"under_score", false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBucketName(tt.name)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidBucketName)) {
				t.Fatalf("CheckBucketName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
			}
		})
	}
}

func TestCheckObjectName(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"a", true}, {"dir/sub/file.txt", true}, {"with space & ünïcode", true},
		{"..hidden", true}, {"a/.../b", true}, {strings.Repeat("k", 1024), true},
		{"", false}, {strings.Repeat("k", 1025), false}, {"a/../b", false},
		{"..", false}, {"./a", false}, {"nul\x00byte", false}, {"bad\xffutf8", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			err := CheckObjectName(tt.key)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckObjectName(%q) = %v, want ok=%v", tt.key, err, tt.ok)
			}
		})
	}
}

func TestRangeResolve(t *testing.T) {
	tests := []struct {
		name        string
		r           Range
		size        int64
		off, length int64
		err         bool
	}{
		{"closed", Range{Start: 2, End: 5}, 10, 2, 4, false},
		{"open", Range{Start: 3, End: -1}, 10, 3, 7, false},
		{"end past size", Range{Start: 8, End: 20}, 10, 8, 2, false},
		{"suffix", Range{SuffixLength: 4}, 10, 6, 4, false},
		{"suffix larger", Range{SuffixLength: 40}, 10, 0, 10, false},
		{"start past end", Range{Start: 10, End: -1}, 10, 0, 0, true},
		{"inverted", Range{Start: 5, End: 2}, 10, 0, 0, true},
		{"suffix of empty", Range{SuffixLength: 1}, 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off, n, err := tt.r.Resolve(tt.size)
			if (err != nil) != tt.err || off != tt.off || n != tt.length {
				t.Fatalf("Resolve = %d,%d,%v want %d,%d,err=%v", off, n, err, tt.off, tt.length, tt.err)
			}
		})
	}
}
