package api

func (s *server) listMultipartUploads(c *call) error    { return s.notImplemented(c) }
func (s *server) deleteObjects(c *call) error           { return s.notImplemented(c) }
func (s *server) uploadPartCopy(c *call) error          { return s.notImplemented(c) }
func (s *server) uploadPart(c *call) error              { return s.notImplemented(c) }
func (s *server) createMultipartUpload(c *call) error   { return s.notImplemented(c) }
func (s *server) completeMultipartUpload(c *call) error { return s.notImplemented(c) }
func (s *server) abortMultipartUpload(c *call) error    { return s.notImplemented(c) }
func (s *server) listParts(c *call) error               { return s.notImplemented(c) }
func (s *server) postObject(c *call) error              { return s.notImplemented(c) }
func (s *server) copyObject(c *call) error              { return s.notImplemented(c) }
