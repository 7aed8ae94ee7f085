package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Scrape paths served by the server itself, before the S3 router.
const (
	MetricsPathMinIO     = "/minio/v2/metrics/cluster"
	MetricsPathMinIONode = "/minio/v2/metrics/node"
	MetricsPathSilo      = "/silo/metrics"
)

// healthFunc reports drive health for the drive gauges.
type healthFunc func(ctx context.Context) (online, total int, writeQuorum bool)

// metrics is the server's own Prometheus registry (never the global one) and
// the collectors the HTTP middleware updates.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
}

// newMetrics registers Go runtime, process, request and drive metrics.
func newMetrics(version string, health healthFunc) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "silo_http_requests_total",
			Help: "HTTP requests served, by method and status code.",
		}, []string{"method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "silo_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by method.",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 30, 120},
		}, []string{"method"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "silo_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	probe := func(pick func(online, total int, quorum bool) float64) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return pick(health(ctx))
		}
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.inflight,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "silo_build_info", Help: "Silo version.", ConstLabels: prometheus.Labels{"version": version},
		}, func() float64 { return 1 }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "silo_drives_online", Help: "Drives online."},
			probe(func(o, _ int, _ bool) float64 { return float64(o) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "silo_drives_total", Help: "Drives configured."},
			probe(func(_, t int, _ bool) float64 { return float64(t) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "silo_write_quorum", Help: "1 when every erasure set has write quorum."},
			probe(func(_, _ int, q bool) float64 { return boolFloat(q) })),
		// Names MinIO dashboards query.
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "minio_cluster_drive_online_total", Help: "Drives online."},
			probe(func(o, _ int, _ bool) float64 { return float64(o) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "minio_cluster_drive_offline_total", Help: "Drives offline."},
			probe(func(o, t int, _ bool) float64 { return float64(t - o) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "minio_cluster_drive_total", Help: "Drives configured."},
			probe(func(_, t int, _ bool) float64 { return float64(t) })),
	)
	return m
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// middleware counts requests and their duration by method and status.
func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inflight.Inc()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			m.inflight.Dec()
			code := sw.status
			if code == 0 {
				code = http.StatusOK
			}
			method := r.Method
			switch method {
			case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions:
			default:
				method = "other" // bound the label's cardinality
			}
			m.requests.WithLabelValues(method, strconv.Itoa(code)).Inc()
			m.duration.WithLabelValues(method).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter records the response status code.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
