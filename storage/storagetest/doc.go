// Package storagetest is the conformance suite of the storage contract. Any
// storage.Store implementation proves itself by calling Run from one of its
// tests with a factory of fresh, empty stores:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store {
//			s, err := mystore.New(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite asserts exact bytes, metadata and sentinel errors (errors.Is) for
// buckets, objects, ranges, listing, versions, multipart uploads, bucket
// configuration documents and concurrent writers. It keeps sizes modest so a
// run takes seconds per layout, yet crosses the boundaries implementations
// care about: the 128 KiB inline threshold and 1 MiB erasure blocks.
package storagetest
