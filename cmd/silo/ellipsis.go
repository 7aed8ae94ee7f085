package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// errEllipsis is wrapped by every ellipsis syntax error.
var errEllipsis = errors.New("invalid ellipsis")

// maxExpanded bounds the drives one argument may expand to, so a typo such as
// {1...100000000} fails fast instead of exhausting memory.
const maxExpanded = 4096

// expandArgs expands MinIO-style ellipses in every argument and returns the
// drives in order. It rejects duplicates.
func expandArgs(args []string) ([]string, error) {
	var out []string
	seen := make(map[string]bool)
	for _, a := range args {
		exp, err := expandEllipses(a)
		if err != nil {
			return nil, err
		}
		for _, d := range exp {
			if seen[d] {
				return nil, fmt.Errorf("drive %q is given more than once", d)
			}
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, nil
}

// expandEllipses expands every {A...B} range in s, where A and B are both
// decimal numbers (zero-padded to the width of A when A has a leading zero,
// as in {01...16}) or both single lower-case letters ({a...d}). Several
// ranges give their cartesian product, the leftmost range varying slowest.
// A string without "..." is returned unchanged; an unbalanced brace or a
// malformed range around "..." is an error.
func expandEllipses(s string) ([]string, error) {
	if !strings.Contains(s, "...") {
		return []string{s}, nil
	}
	// Split s into literal parts and ranges.
	type part struct {
		lit    string
		values []string // nil for a literal
	}
	var parts []part
	rest := s
	total := 1
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if strings.Contains(rest, "...") || strings.ContainsRune(rest, '}') {
				return nil, fmt.Errorf("%w in %q: \"...\" outside {A...B}", errEllipsis, s)
			}
			parts = append(parts, part{lit: rest})
			break
		}
		if strings.Contains(rest[:open], "...") || strings.ContainsRune(rest[:open], '}') {
			return nil, fmt.Errorf("%w in %q: unbalanced braces", errEllipsis, s)
		}
		closing := strings.IndexByte(rest[open:], '}')
		if closing < 0 {
			return nil, fmt.Errorf("%w in %q: missing }", errEllipsis, s)
		}
		closing += open
		body := rest[open+1 : closing]
		if !strings.Contains(body, "...") {
			// A literal brace pair such as {abc} is kept verbatim.
			parts = append(parts, part{lit: rest[:closing+1]})
			rest = rest[closing+1:]
			continue
		}
		vals, err := rangeValues(body)
		if err != nil {
			return nil, fmt.Errorf("%w in %q: %w", errEllipsis, s, err)
		}
		total *= len(vals)
		if total > maxExpanded {
			return nil, fmt.Errorf("%w in %q: expands to more than %d drives", errEllipsis, s, maxExpanded)
		}
		parts = append(parts, part{lit: rest[:open]}, part{values: vals})
		rest = rest[closing+1:]
	}
	out := []string{""}
	for _, p := range parts {
		if p.values == nil {
			for i := range out {
				out[i] += p.lit
			}
			continue
		}
		next := make([]string, 0, len(out)*len(p.values))
		for _, prefix := range out {
			for _, v := range p.values {
				next = append(next, prefix+v)
			}
		}
		out = next
	}
	return out, nil
}

// rangeValues expands the inside of one {A...B}.
func rangeValues(body string) ([]string, error) {
	lo, hi, ok := strings.Cut(body, "...")
	if !ok || lo == "" || hi == "" || strings.Contains(hi, "...") {
		return nil, fmt.Errorf("range {%s} is not {A...B}", body)
	}
	if isLetter(lo) && isLetter(hi) {
		if lo[0] > hi[0] {
			return nil, fmt.Errorf("range {%s} runs backwards", body)
		}
		var vals []string
		for c := lo[0]; c <= hi[0]; c++ {
			vals = append(vals, string(c))
		}
		return vals, nil
	}
	a, errA := strconv.ParseUint(lo, 10, 32)
	b, errB := strconv.ParseUint(hi, 10, 32)
	if errA != nil || errB != nil || !isDigits(lo) || !isDigits(hi) {
		return nil, fmt.Errorf("range {%s} needs two numbers or two letters", body)
	}
	if a > b {
		return nil, fmt.Errorf("range {%s} runs backwards", body)
	}
	if b-a >= maxExpanded {
		return nil, fmt.Errorf("range {%s} expands to more than %d drives", body, maxExpanded)
	}
	width := 0
	if len(lo) > 1 && lo[0] == '0' {
		width = len(lo)
	}
	vals := make([]string, 0, b-a+1)
	for n := a; n <= b; n++ {
		vals = append(vals, fmt.Sprintf("%0*d", width, n))
	}
	return vals, nil
}

func isLetter(s string) bool { return len(s) == 1 && s[0] >= 'a' && s[0] <= 'z' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
