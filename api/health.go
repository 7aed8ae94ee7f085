package api

import (
	"net/http"
	"strconv"
)

// currentHealth asks the HealthReporter; without one the store is assumed healthy.
func (s *server) currentHealth(r *http.Request) Health {
	if s.health == nil {
		return Health{WriteQuorum: true}
	}
	return s.health.Health(r.Context())
}

// healthLive answers 200 while the process serves HTTP.
func (s *server) healthLive(w http.ResponseWriter, r *http.Request) {
	s.setCommonHeaders(w, newRequestID())
	w.WriteHeader(http.StatusOK)
}

// healthReady answers 200 when writes can reach quorum, else 503.
func (s *server) healthReady(w http.ResponseWriter, r *http.Request) {
	s.setCommonHeaders(w, newRequestID())
	if !s.currentHealth(r).WriteQuorum {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// healthCluster answers like healthReady and reports the write quorum (the
// number of drives a write needs) and the drives online.
func (s *server) healthCluster(w http.ResponseWriter, r *http.Request) {
	s.setCommonHeaders(w, newRequestID())
	h := s.currentHealth(r)
	quorum := h.DrivesTotal/2 + 1
	if h.DrivesTotal == 1 {
		quorum = 1
	}
	w.Header().Set("x-minio-write-quorum", strconv.Itoa(quorum))
	w.Header().Set("x-silo-drives-online", strconv.Itoa(h.DrivesOnline))
	w.Header().Set("x-silo-drives-total", strconv.Itoa(h.DrivesTotal))
	if !h.WriteQuorum {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
