package policy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
)

// Condition is one test of a statement's Condition element: an operator,
// one condition key and the policy's values for it. All Conditions of a
// statement must hold (AND); the values of one Condition are alternatives
// (OR for positive operators, NOR for negated ones).
type Condition struct {
	// Operator is the full operator name as written, e.g. "StringLike" or
	// "ForAllValues:StringEqualsIfExists".
	Operator string
	// Key is the condition key as written ("aws:SourceIp"); keys are
	// matched case-insensitively.
	Key string
	// Values are the policy's values, sorted and de-duplicated. Numbers and
	// booleans are kept as their JSON text.
	Values []string

	op operator
}

// parseConditions parses a statement's Condition element.
func parseConditions(raw json.RawMessage) ([]Condition, error) {
	var block map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil || block == nil {
		return nil, malformed("Condition must be an object")
	}
	var out []Condition
	for _, opName := range slices.Sorted(maps.Keys(block)) {
		rawKeys := block[opName]
		op, err := parseOperator(opName)
		if err != nil {
			return nil, err
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(rawKeys, &keys); err != nil || keys == nil {
			return nil, malformed("Condition operator %q must map condition keys to values", opName)
		}
		if len(keys) == 0 {
			return nil, malformed("Condition operator %q has no condition keys", opName)
		}
		seen := make(map[string]string, len(keys))
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			rawVals := keys[key]
			if err := validateConditionKey(key); err != nil {
				return nil, err
			}
			lower := strings.ToLower(key)
			if prev, dup := seen[lower]; dup {
				return nil, malformed("Condition operator %q names condition key %q twice (%q)", opName, key, prev)
			}
			seen[lower] = key
			vals, err := parseConditionValues(rawVals)
			if err != nil {
				return nil, malformed("Condition %s %q: %s", opName, key, reasonOf(err))
			}
			for _, v := range vals {
				if err := validateValue(op.base.typ, v); err != nil {
					return nil, malformed("Condition %s %q: %s", opName, key, reasonOf(err))
				}
			}
			out = append(out, Condition{Operator: opName, Key: key, Values: vals, op: op})
		}
	}
	sortConditions(out)
	return out, nil
}

// sortConditions orders conditions by operator then key, the order of the
// canonical JSON.
func sortConditions(cs []Condition) {
	slices.SortFunc(cs, func(a, b Condition) int {
		if c := strings.Compare(a.Operator, b.Operator); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// validateConditionKey requires "prefix:name" with both parts non-empty.
func validateConditionKey(key string) error {
	prefix, name, ok := strings.Cut(key, ":")
	if !ok || prefix == "" || name == "" {
		return malformed("Policy has an invalid condition key: %q", key)
	}
	return nil
}

// parseConditionValues accepts a string, number or boolean, or a non-empty
// list of them, and returns them as sorted, de-duplicated strings.
func parseConditionValues(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, malformed("invalid condition value")
	}
	var vals []string
	if list, ok := v.([]any); ok {
		if len(list) == 0 {
			return nil, malformed("empty condition value list")
		}
		for _, e := range list {
			s, err := scalarString(e)
			if err != nil {
				return nil, err
			}
			vals = append(vals, s)
		}
	} else {
		s, err := scalarString(v)
		if err != nil {
			return nil, err
		}
		vals = []string{s}
	}
	slices.Sort(vals)
	return slices.Compact(vals), nil
}

func scalarString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	}
	return "", malformed("condition values must be strings, numbers or booleans")
}

// reasonOf returns the reason of a *MalformedError, or err's text.
func reasonOf(err error) string {
	var m *MalformedError
	if errors.As(err, &m) {
		return m.Reason
	}
	return err.Error()
}

// eval reports whether the condition holds for the request in ec. lookup
// resolves policy variables in string and ARN values (nil: none).
func (c *Condition) eval(ec *evalContext, lookup lookupFunc) bool {
	reqVals := ec.cond(c.Key)
	present := len(reqVals) > 0
	if c.op.base.typ == typeNull {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.op.ifExists:
			return true
		case c.op.qual == qualForAllValues:
			return true
		case c.op.qual == qualForAnyValue:
			return false
		}
		return c.op.base.negate
	}
	m := c.matcher(lookup)
	switch c.op.qual {
	case qualForAnyValue:
		for _, rv := range reqVals {
			if m(rv) != c.op.base.negate {
				return true
			}
		}
		return false
	case qualForAllValues:
		for _, rv := range reqVals {
			if m(rv) == c.op.base.negate {
				return false
			}
		}
		return true
	}
	for _, rv := range reqVals {
		if m(rv) {
			return !c.op.base.negate
		}
	}
	return c.op.base.negate
}

// matcher returns the positive test of one request value against the
// policy's values: true when it matches any of them.
func (c *Condition) matcher(lookup lookupFunc) func(string) bool {
	typ := c.op.base.typ
	switch typ {
	case typeString, typeStringIgnoreCase, typeStringLike, typeARN:
		pats := make([]pattern, 0, len(c.Values))
		for _, v := range c.Values {
			if p, ok := compilePattern(v, lookup); ok {
				pats = append(pats, p)
			}
		}
		return func(rv string) bool {
			for _, p := range pats {
				if matchString(typ, p, rv) {
					return true
				}
			}
			return false
		}
	}
	return func(rv string) bool {
		for _, pv := range c.Values {
			if matchScalar(c.op.base, pv, rv) {
				return true
			}
		}
		return false
	}
}

// matchString compares a request value with an expanded string or ARN
// policy value.
func matchString(typ valueType, p pattern, rv string) bool {
	switch typ {
	case typeString:
		return p.String() == rv
	case typeStringIgnoreCase:
		return strings.EqualFold(p.String(), rv)
	case typeStringLike:
		return p.match(rv)
	}
	return arnMatch(p, rv)
}

// arnMatch matches an ARN against an ARN pattern one colon-separated
// component at a time, so wildcards never cross a component boundary in the
// first five components (the resource part may contain ':'). A pattern
// without ':' is matched against the whole value.
func arnMatch(p pattern, arn string) bool {
	pParts := splitPattern(p, 6)
	if len(pParts) == 1 {
		return p.match(arn) // "*" and other colon-free patterns
	}
	aParts := strings.SplitN(arn, ":", 6)
	if len(pParts) != 6 || len(aParts) != 6 {
		return false
	}
	for i := range pParts {
		if !pParts[i].match(aParts[i]) {
			return false
		}
	}
	return true
}

// splitPattern splits p at literal ':' into at most n parts.
func splitPattern(p pattern, n int) []pattern {
	var parts []pattern
	start := 0
	for i, r := range p {
		if len(parts) == n-1 {
			break
		}
		if r == ':' {
			parts = append(parts, p[start:i])
			start = i + 1
		}
	}
	return append(parts, p[start:])
}

// matchScalar compares a request value with a numeric, date, boolean,
// binary or IP policy value. Values that do not parse never match.
func matchScalar(op baseOperator, pv, rv string) bool {
	switch op.typ {
	case typeNumeric:
		a, err1 := parseNumber(rv)
		b, err2 := parseNumber(pv)
		if err1 != nil || err2 != nil {
			return false
		}
		sign := 0
		if a < b {
			sign = -1
		} else if a > b {
			sign = 1
		}
		return op.cmp.holds(sign)
	case typeDate:
		a, err1 := parseDate(rv)
		b, err2 := parseDate(pv)
		if err1 != nil || err2 != nil {
			return false
		}
		return op.cmp.holds(a.Compare(b))
	case typeBool:
		return strings.EqualFold(pv, rv)
	case typeBinary:
		if rv == pv {
			return true
		}
		b, err := base64.StdEncoding.DecodeString(pv)
		return err == nil && string(b) == rv
	case typeIP:
		pfx, err := parsePrefix(pv)
		addr, ok := parseRequestAddr(rv)
		return err == nil && ok && pfx.Contains(addr)
	}
	return false
}
