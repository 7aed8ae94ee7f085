package iam

import "context"

// BaseUser returns the user accessKey acts for: itself for root and users,
// the parent user for service accounts and STS sessions; root reports
// whether that is the root account. The S3 layer uses it to record and
// check owners. Errors: ErrNoSuchAccessKey, ErrAccessDenied (disabled or
// expired credential), ErrExpiredToken.
func (s *System) BaseUser(_ context.Context, accessKey string) (user string, root bool, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.resolve(accessKey, 0)
	if err != nil {
		return "", false, err
	}
	return p.user, p.root, nil
}
