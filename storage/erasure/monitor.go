package erasure

import (
	"errors"
	"os"
	"time"

	"github.com/silo-project/silo/storage/drive"
)

// monitorInterval is how often offline drives are probed.
const monitorInterval = 5 * time.Second

// monitorDrives attaches drives that come back after being offline and
// drives replaced while running (a fresh, unformatted disk at the position
// of a lost one): the latter are formatted with the position's ID and healed
// in the background. A drive formatted for another deployment or position
// stays offline (and is logged).
func (s *Store) monitorDrives() {
	s.every(monitorInterval, func() {
		if s.probeDrives() {
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				if err := s.Heal(s.ctx, HealOptions{}); err != nil && s.ctx.Err() == nil {
					s.log.Warn("heal of replaced drive", "err", err)
				}
			}()
		}
	})
}

// every runs fn every interval until the store closes; it is a background
// task of the store (the caller counted it in s.wg).
func (s *Store) every(interval time.Duration, fn func()) {
	defer s.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		fn()
	}
}

// probeDrives checks every offline position once; it reports whether a
// freshly formatted drive was attached (a heal is then needed).
func (s *Store) probeDrives() (needHeal bool) {
	for si, st := range s.sets {
		for p := range st.slots {
			cur := st.drive(p)
			if cur != nil && cur.Online() == nil {
				continue
			}
			path := st.paths[p]
			if info, err := os.Stat(path); err != nil || !info.IsDir() {
				continue // still gone
			}
			f, err := drive.ReadFormat(path)
			switch {
			case errors.Is(err, drive.ErrUnformatted):
			case err != nil:
				continue
			case !f.SameLayout(s.ref) || f.This != s.ref.Sets[si][p]:
				s.log.Warn("drive belongs to another deployment or position; left offline", "drive", path)
				continue
			case cur != nil:
				continue // its own format is readable again: Online will pass
			}
			d, fresh, err := openDrive(s.ctx, path, s.ref, si, p, s.log)
			if err != nil {
				s.log.Warn("drive still unusable", "drive", path, "err", err)
				continue
			}
			if old := st.slots[p].Swap(d); old != nil {
				_ = old.Close()
			}
			s.log.Info("drive attached", "drive", path, "fresh", fresh)
			needHeal = needHeal || fresh
		}
	}
	return needHeal
}
