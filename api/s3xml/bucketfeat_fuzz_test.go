package s3xml

import (
	"bytes"
	"testing"
)

func FuzzDecodeTagging(f *testing.F) {
	f.Add([]byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>`))
	f.Add([]byte(`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet/></Tagging>`))
	f.Add([]byte(`<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tg, err := DecodeTagging(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && tg.TagSet.Tags == nil {
			t.Fatal("accepted a document without a tag list")
		}
	})
}
