// Package drive manages one local drive of a Silo deployment: its format
// record, its single bbolt metadata database (buckets, bucket configuration,
// object version records, multipart uploads and the data-dir index) and the
// shard files written under random data-dir IDs, with the fsync discipline
// that makes every commit crash safe. It knows nothing about erasure coding;
// storage/erasure combines several drives into erasure sets.
package drive
