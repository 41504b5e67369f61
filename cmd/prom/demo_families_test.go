package main

import "github.com/prom-go/prom"

// demoFamilies are the families the demo exposes: name, type, and the name of one of its
// samples in the text format.
var demoFamilies = []struct {
	name   string
	typ    prom.Type
	sample string
}{
	{"demo_ticks", prom.CounterType, "demo_ticks_total"},
	{"demo_jobs_processed", prom.CounterType, "demo_jobs_processed_total"},
	{"demo_read_bytes", prom.CounterType, "demo_read_bytes_total"},
	{"demo_job_failures", prom.CounterType, "demo_job_failures_total"},
	{"demo_http_requests", prom.CounterType, "demo_http_requests_total"},
	{"demo_http_route_hits", prom.CounterType, "demo_http_route_hits_total"},
	{"demo_cache_hits", prom.CounterType, "demo_cache_hits_total"},
	{"demo_http_requests_in_flight", prom.GaugeType, "demo_http_requests_in_flight"},
	{"demo_queue_length", prom.GaugeType, "demo_queue_length"},
	{"demo_temperature_celsius", prom.GaugeType, "demo_temperature_celsius"},
	{"demo_last_tick_timestamp_seconds", prom.GaugeType, "demo_last_tick_timestamp_seconds"},
	{"demo_uptime_seconds", prom.GaugeType, "demo_uptime_seconds"},
	{"demo_http_request_duration_seconds", prom.HistogramType, "demo_http_request_duration_seconds_bucket"},
	{"demo_fixed_observations", prom.HistogramType, "demo_fixed_observations_bucket"},
	{"demo_http_response_size_bytes", prom.SummaryType, "demo_http_response_size_bytes"},
	{"demo_fixed_quantiles", prom.SummaryType, "demo_fixed_quantiles"},
	{"demo_build", prom.InfoType, "demo_build_info"},
	{"demo_worker_state", prom.StateSetType, "demo_worker_state"},
	// demo_native.go: a native histogram and a counter with trace-ID exemplars.
	{"demo_native_latency_seconds", prom.HistogramType, "demo_native_latency_seconds_bucket"},
	{"demo_traced_jobs", prom.CounterType, "demo_traced_jobs_total"},
	// promhttp's server middleware, over the fake API and the real requests.
	{"http_server_requests", prom.CounterType, "http_server_requests_total"},
	{"http_server_requests_in_flight", prom.GaugeType, "http_server_requests_in_flight"},
	{"http_server_request_duration_seconds", prom.HistogramType, "http_server_request_duration_seconds_bucket"},
	{"http_server_request_size_bytes", prom.HistogramType, "http_server_request_size_bytes_bucket"},
	{"http_server_response_size_bytes", prom.HistogramType, "http_server_response_size_bytes_bucket"},
	// The metrics handler's own metrics.
	{"promhttp_metric_handler_requests", prom.CounterType, "promhttp_metric_handler_requests_total"},
	{"promhttp_metric_handler_requests_in_flight", prom.GaugeType, "promhttp_metric_handler_requests_in_flight"},
	{"promhttp_metric_handler_errors", prom.CounterType, "promhttp_metric_handler_errors_total"},
	{"promhttp_metric_handler_scrape_duration_seconds", prom.HistogramType, "promhttp_metric_handler_scrape_duration_seconds_bucket"},
}

// clockFamilies follow the clock rather than the seeded workload.
var clockFamilies = map[string]bool{
	"demo_last_tick_timestamp_seconds": true,
	"demo_uptime_seconds":              true,
}
