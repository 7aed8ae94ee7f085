// Package erasure implements storage.Store over local drives grouped in
// erasure sets: each object is Reed-Solomon coded across the drives of the
// set chosen by a keyed hash of its name, with a bitrot hash per shard
// block, quorum writes and reads, heal on read, a background healer and
// cursor-based listing merged across drives and sets. The on-disk format and
// the crash-safety argument are described in docs/storage-format.md.
package erasure
