package policy

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// valueType is the kind of comparison a condition operator performs.
type valueType int

const (
	typeString valueType = iota
	typeStringIgnoreCase
	typeStringLike
	typeNumeric
	typeDate
	typeBool
	typeBinary
	typeIP
	typeARN
	typeNull
)

// comparison is the ordering test of numeric and date operators.
type comparison int

const (
	cmpEqual comparison = iota
	cmpLess
	cmpLessEqual
	cmpGreater
	cmpGreaterEqual
)

// qualifier is a set operator prefix.
type qualifier int

const (
	qualNone qualifier = iota
	qualForAnyValue
	qualForAllValues
)

// baseOperator is a condition operator without qualifier or IfExists.
type baseOperator struct {
	typ    valueType
	cmp    comparison
	negate bool // the operator is the negation of its positive form
}

// lookupBaseOperator returns the operator named name (case-sensitive, as in
// AWS).
func lookupBaseOperator(name string) (baseOperator, bool) {
	switch name {
	case "StringEquals":
		return baseOperator{typ: typeString}, true
	case "StringNotEquals":
		return baseOperator{typ: typeString, negate: true}, true
	case "StringEqualsIgnoreCase":
		return baseOperator{typ: typeStringIgnoreCase}, true
	case "StringNotEqualsIgnoreCase":
		return baseOperator{typ: typeStringIgnoreCase, negate: true}, true
	case "StringLike":
		return baseOperator{typ: typeStringLike}, true
	case "StringNotLike":
		return baseOperator{typ: typeStringLike, negate: true}, true
	case "NumericEquals":
		return baseOperator{typ: typeNumeric}, true
	case "NumericNotEquals":
		return baseOperator{typ: typeNumeric, negate: true}, true
	case "NumericLessThan":
		return baseOperator{typ: typeNumeric, cmp: cmpLess}, true
	case "NumericLessThanEquals":
		return baseOperator{typ: typeNumeric, cmp: cmpLessEqual}, true
	case "NumericGreaterThan":
		return baseOperator{typ: typeNumeric, cmp: cmpGreater}, true
	case "NumericGreaterThanEquals":
		return baseOperator{typ: typeNumeric, cmp: cmpGreaterEqual}, true
	case "DateEquals":
		return baseOperator{typ: typeDate}, true
	case "DateNotEquals":
		return baseOperator{typ: typeDate, negate: true}, true
	case "DateLessThan":
		return baseOperator{typ: typeDate, cmp: cmpLess}, true
	case "DateLessThanEquals":
		return baseOperator{typ: typeDate, cmp: cmpLessEqual}, true
	case "DateGreaterThan":
		return baseOperator{typ: typeDate, cmp: cmpGreater}, true
	case "DateGreaterThanEquals":
		return baseOperator{typ: typeDate, cmp: cmpGreaterEqual}, true
	case "Bool":
		return baseOperator{typ: typeBool}, true
	case "BinaryEquals":
		return baseOperator{typ: typeBinary}, true
	case "IpAddress":
		return baseOperator{typ: typeIP}, true
	case "NotIpAddress":
		return baseOperator{typ: typeIP, negate: true}, true
	case "ArnEquals", "ArnLike":
		return baseOperator{typ: typeARN}, true
	case "ArnNotEquals", "ArnNotLike":
		return baseOperator{typ: typeARN, negate: true}, true
	case "Null":
		return baseOperator{typ: typeNull}, true
	}
	return baseOperator{}, false
}

// operator is a parsed condition operator name such as
// "ForAllValues:StringLikeIfExists".
type operator struct {
	qual     qualifier
	base     baseOperator
	ifExists bool
}

// parseOperator parses a full condition operator name.
func parseOperator(name string) (operator, error) {
	var op operator
	rest := name
	if q, r, ok := strings.Cut(name, ":"); ok {
		switch q {
		case "ForAnyValue":
			op.qual = qualForAnyValue
		case "ForAllValues":
			op.qual = qualForAllValues
		default:
			return op, malformed("Policy has an invalid condition operator: %q", name)
		}
		rest = r
	}
	base, ok := lookupBaseOperator(rest)
	if !ok {
		if trimmed, cut := strings.CutSuffix(rest, "IfExists"); cut {
			base, ok = lookupBaseOperator(trimmed)
			op.ifExists = true
		}
	}
	if !ok || (base.typ == typeNull && (op.ifExists || op.qual != qualNone)) {
		return op, malformed("Policy has an invalid condition operator: %q", name)
	}
	op.base = base
	return op, nil
}

// validateValue checks a policy-side value for an operator of type t.
func validateValue(t valueType, v string) error {
	var err error
	switch t {
	case typeNumeric:
		_, err = parseNumber(v)
	case typeDate:
		_, err = parseDate(v)
	case typeBool, typeNull:
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return malformed("invalid boolean condition value %q", v)
		}
	case typeBinary:
		_, err = base64.StdEncoding.DecodeString(v)
	case typeIP:
		_, err = parsePrefix(v)
	}
	if err != nil {
		return malformed("invalid condition value %q: %v", v, err)
	}
	return nil
}

func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

// parseDate parses an ISO 8601 date/time or epoch seconds (an all-digit
// value).
func parseDate(s string) (time.Time, error) {
	layouts := [...]string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"20060102T150405Z",
		"2006-01-02",
	}
	s = strings.TrimSpace(s)
	if s != "" && strings.Trim(s, "0123456789") == "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, err
		}
		return time.Unix(n, 0).UTC(), nil
	}
	var firstErr error
	for _, layout := range layouts {
		t, err := time.Parse(layout, s)
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return time.Time{}, firstErr
}

// parsePrefix parses a CIDR block, or a bare address as a single-address
// block.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parseRequestAddr parses a request's address value (an address, with or
// without a port).
func parseRequestAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// compare applies c to the sign of a comparison (-1, 0, +1).
func (c comparison) holds(sign int) bool {
	switch c {
	case cmpLess:
		return sign < 0
	case cmpLessEqual:
		return sign <= 0
	case cmpGreater:
		return sign > 0
	case cmpGreaterEqual:
		return sign >= 0
	}
	return sign == 0
}
