package storage

import (
	"net"
	"strings"
	"unicode/utf8"
)

// CheckBucketName returns ErrInvalidBucketName unless name follows the S3
// rules: 3-63 characters of lower-case letters, digits, dots and hyphens,
// starting and ending with a letter or digit, no "..", not an IPv4 address.
func CheckBucketName(name string) error {
	if len(name) < 3 || len(name) > 63 {
		return ErrInvalidBucketName
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '.' || c == '-':
			if i == 0 || i == len(name)-1 {
				return ErrInvalidBucketName
			}
		default:
			return ErrInvalidBucketName
		}
	}
	if strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return ErrInvalidBucketName
	}
	if ip := net.ParseIP(name); ip != nil && ip.To4() != nil {
		return ErrInvalidBucketName
	}
	return nil
}

// CheckObjectName returns ErrInvalidObjectName for keys S3 servers refuse:
// empty, over MaxKeyLength bytes, invalid UTF-8, containing NUL, or with a
// "." or ".." path segment (which would make keys ambiguous as paths).
func CheckObjectName(key string) error {
	if key == "" || len(key) > MaxKeyLength || !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		return ErrInvalidObjectName
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == ".." || seg == "." {
			return ErrInvalidObjectName
		}
	}
	return nil
}
