package api

import (
	"net/http"

	"github.com/silo-project/silo/storage"
)

// deleteObject serves DeleteObject (204), with versionId and If-Match.
func (s *server) deleteObject(c *call) error {
	vs, err := s.versioning(c, c.op.Bucket)
	if err != nil {
		return err
	}
	opts := storage.DeleteOptions{VersionID: c.r.URL.Query().Get("versionId"), Versioning: vs}
	if m := c.r.Header.Get("If-Match"); m != "" {
		opts.Precondition = func(info storage.ObjectInfo) error {
			if !etagMatches(m, info.ETag) {
				return storage.ErrPreconditionFailed
			}
			return nil
		}
	}
	opts.Precondition = s.lockedPrecondition(c, c.op.Key, opts.VersionID, vs, opts.Precondition)
	info, err := s.store.DeleteObject(c.ctx, c.op.Bucket, c.op.Key, opts)
	if err != nil {
		return err
	}
	if info.DeleteMarker {
		c.w.Header().Set("x-amz-delete-marker", "true")
	}
	if info.VersionID != "" && (vs != storage.VersioningUnset || opts.VersionID != "") {
		c.w.Header().Set("x-amz-version-id", info.VersionID)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
