package erasure

// CommitStats sums drive.CommitStats over the online drives of s, for
// benchmarks that report how full the commit groups are.
func CommitStats(s *Store) (groups, changes uint64) {
	for _, st := range s.sets {
		for _, d := range st.list() {
			if d != nil {
				g, c := d.CommitStats()
				groups += g
				changes += c
			}
		}
	}
	return groups, changes
}
