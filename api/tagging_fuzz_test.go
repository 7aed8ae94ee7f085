package api

import "testing"

func FuzzParseTaggingHeader(f *testing.F) {
	f.Add("a=1&b=two%20words")
	f.Add("a=1&a=2")
	f.Add("%zz=&=")
	f.Fuzz(func(t *testing.T, v string) {
		stored, err := parseTaggingHeader(v)
		if err != nil {
			return
		}
		tags, ok := decodeTags(stored)
		if !ok || len(tags) > maxObjectTags || checkTags(tags, maxObjectTags) != nil || encodeTags(tags) != stored {
			t.Fatalf("accepted %q as %q, which does not round-trip", v, stored)
		}
	})
}
