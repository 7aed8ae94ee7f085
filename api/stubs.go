package api

func (s *server) listObjectVersions(c *call) error      { return s.notImplemented(c) }
func (s *server) listMultipartUploads(c *call) error    { return s.notImplemented(c) }
func (s *server) deleteObjects(c *call) error           { return s.notImplemented(c) }
func (s *server) uploadPartCopy(c *call) error          { return s.notImplemented(c) }
func (s *server) uploadPart(c *call) error              { return s.notImplemented(c) }
func (s *server) createMultipartUpload(c *call) error   { return s.notImplemented(c) }
func (s *server) completeMultipartUpload(c *call) error { return s.notImplemented(c) }
func (s *server) abortMultipartUpload(c *call) error    { return s.notImplemented(c) }
func (s *server) listParts(c *call) error               { return s.notImplemented(c) }
func (s *server) listObjectsV2(c *call) error           { return s.notImplemented(c) }
func (s *server) listObjectsV1(c *call) error           { return s.notImplemented(c) }
func (s *server) postObject(c *call) error              { return s.notImplemented(c) }
func (s *server) copyObject(c *call) error              { return s.notImplemented(c) }
func (s *server) putObject(c *call) error               { return s.notImplemented(c) }
func (s *server) getObject(c *call) error               { return s.notImplemented(c) }
func (s *server) headObject(c *call) error              { return s.notImplemented(c) }
func (s *server) deleteObject(c *call) error            { return s.notImplemented(c) }
