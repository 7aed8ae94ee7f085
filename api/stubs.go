package api

func (s *server) postObject(c *call) error              { return s.notImplemented(c) }
