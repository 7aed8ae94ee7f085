// Package objectlock is the one decision on S3 object lock: whether a
// version's data may be removed (Check) and whether its retention may
// change (CheckRetentionChange), from the lock state every version keeps
// in storage.ObjectInfo.Internal. Every path that deletes data (the S3
// handlers, forced bucket deletion, and any lifecycle or admin deletion)
// calls Check on the version about to go, inside the store's Precondition
// so the decision and the deletion happen under the key's lock.
package objectlock
