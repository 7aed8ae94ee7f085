package policy

import (
	"bytes"
	"encoding/json"
)

// jsonPolicy and jsonStatement fix the member order of the canonical form.
type jsonPolicy struct {
	Version   string          `json:"Version,omitempty"`
	ID        string          `json:"Id,omitempty"`
	Statement []jsonStatement `json:"Statement"`
}

type jsonStatement struct {
	Sid          string                         `json:"Sid,omitempty"`
	Effect       Effect                         `json:"Effect"`
	Principal    map[string][]string            `json:"Principal,omitempty"`
	NotPrincipal map[string][]string            `json:"NotPrincipal,omitempty"`
	Action       []string                       `json:"Action,omitempty"`
	NotAction    []string                       `json:"NotAction,omitempty"`
	Resource     []string                       `json:"Resource,omitempty"`
	NotResource  []string                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string][]string `json:"Condition,omitempty"`
}

// MarshalJSON writes the canonical form of the policy: members in the
// order Version, Id, Statement; statement members in AWS order; every set
// as a sorted array; condition operators and keys sorted. Parsing the
// output yields an equal Policy, and marshalling equal policies yields
// identical bytes, so the output is fit for storage and display. The value
// receiver makes Policy fields of other structs marshal canonically too.
func (p Policy) MarshalJSON() ([]byte, error) {
	jp := jsonPolicy{Version: p.Version, ID: p.ID, Statement: make([]jsonStatement, 0, len(p.Statements))}
	for _, s := range p.Statements {
		js := jsonStatement{
			Sid: s.SID, Effect: s.Effect,
			Principal: s.Principal, NotPrincipal: s.NotPrincipal,
			Action: s.Actions, NotAction: s.NotActions,
			Resource: s.Resources, NotResource: s.NotResources,
		}
		if len(s.Conditions) > 0 {
			js.Condition = make(map[string]map[string][]string)
			for _, c := range s.Conditions {
				if js.Condition[c.Operator] == nil {
					js.Condition[c.Operator] = make(map[string][]string)
				}
				js.Condition[c.Operator][c.Key] = c.Values
			}
		}
		jp.Statement = append(jp.Statement, js)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jp); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// String returns the canonical JSON form.
func (p *Policy) String() string {
	b, err := p.MarshalJSON()
	if err != nil {
		return ""
	}
	return string(b)
}
