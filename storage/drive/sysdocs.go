package drive

import (
	"bytes"
	"strings"
)

// bktSysDocs holds the deployment's system documents (IAM and similar):
// name -> document. Created on first write.
const bktSysDocs = "sysdocs"

// SysDoc returns the system document called name, or nil when none is stored.
func (t *Tx) SysDoc(name string) []byte {
	b := t.tx.Bucket([]byte(bktSysDocs))
	if b == nil {
		return nil
	}
	if v := b.Get([]byte(name)); v != nil {
		return bytes.Clone(v)
	}
	return nil
}

// SysDocs returns every system document whose name starts with prefix.
func (t *Tx) SysDocs(prefix string) map[string][]byte {
	out := map[string][]byte{}
	b := t.tx.Bucket([]byte(bktSysDocs))
	if b == nil {
		return out
	}
	c := b.Cursor()
	for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
		out[string(k)] = bytes.Clone(v)
	}
	return out
}

// PutSysDoc stores (doc != nil) or deletes (doc == nil) a system document.
func (t *Tx) PutSysDoc(name string, doc []byte) error {
	if doc == nil {
		b := t.tx.Bucket([]byte(bktSysDocs))
		if b == nil {
			return nil
		}
		return b.Delete([]byte(name))
	}
	b, err := t.tx.CreateBucketIfNotExists([]byte(bktSysDocs))
	if err != nil {
		return err
	}
	return b.Put([]byte(name), doc)
}
