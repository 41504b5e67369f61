package expfmt_test

import (
	"context"
	"fmt"
	"os"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// newRegistry returns a registry with a counter and a gauge, without "_created" series so
// that the output does not depend on the time.
func newRegistry() *prom.Registry {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.",
		[]string{"method", "code"}, prom.Opts{Registry: r}))
	requests.With("GET", "200").Add(41)
	requests.With("GET", "200").Inc()
	temp := prom.Must(prom.NewGauge("room_temperature", "Temperature of the room.",
		prom.Opts{Registry: r, Unit: "celsius"}))
	temp.Set(21.5)
	return r
}

// The Prometheus text format 0.0.4, which every Prometheus server reads.
func ExampleNewEncoder_text() {
	r := newRegistry()
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		fmt.Println(err)
	}
	if err := enc.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # HELP http_requests_total HTTP requests handled.
	// # TYPE http_requests_total counter
	// http_requests_total{method="GET",code="200"} 42
	// # HELP room_temperature_celsius Temperature of the room.
	// # TYPE room_temperature_celsius gauge
	// room_temperature_celsius 21.5
}

// OpenMetrics 1.0: family names without the "_total" suffix, units, canonical numbers and the
// "# EOF" that Close writes.
func ExampleNewEncoder_openMetrics() {
	r := newRegistry()
	enc := expfmt.NewEncoder(os.Stdout, expfmt.OpenMetricsFormat, expfmt.Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		enc.Abort() // no "# EOF": the scraper sees the body is incomplete
		return
	}
	if err := enc.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # HELP http_requests HTTP requests handled.
	// # TYPE http_requests counter
	// http_requests_total{method="GET",code="200"} 42.0
	// # HELP room_temperature_celsius Temperature of the room.
	// # TYPE room_temperature_celsius gauge
	// # UNIT room_temperature_celsius celsius
	// room_temperature_celsius 21.5
	// # EOF
}

// Names outside the legacy character set are quoted where the scraper allows UTF-8, and
// escaped otherwise.
func ExampleNewEncoder_utf8Names() {
	r := prom.NewRegistry()
	g := prom.Must(prom.NewGaugeVec("queue.depth", "Items waiting.", []string{"queue.name"}, prom.Opts{Registry: r}))
	g.With("mail").Set(3)
	for _, e := range []expfmt.Escaping{expfmt.AllowUTF8, expfmt.Underscores, expfmt.Dots, expfmt.Values} {
		enc := expfmt.NewEncoder(os.Stdout, expfmt.Text1Format, e)
		r.Collect(context.Background(), enc)
		enc.Close()
	}
	// Output:
	// # HELP "queue.depth" Items waiting.
	// # TYPE "queue.depth" gauge
	// {"queue.depth","queue.name"="mail"} 3
	// # HELP queue_depth Items waiting.
	// # TYPE queue_depth gauge
	// queue_depth{queue_name="mail"} 3
	// # HELP queue_dot_depth Items waiting.
	// # TYPE queue_dot_depth gauge
	// queue_dot_depth{queue_dot_name="mail"} 3
	// # HELP U__queue_2e_depth Items waiting.
	// # TYPE U__queue_2e_depth gauge
	// U__queue_2e_depth{U__queue_2e_name="mail"} 3
}

func ExampleEscapeName() {
	fmt.Println(expfmt.EscapeName("mysystem.cpu.load", expfmt.Underscores))
	fmt.Println(expfmt.EscapeName("mysystem.cpu.load", expfmt.Dots))
	fmt.Println(expfmt.EscapeName("mysystem.cpu.load", expfmt.Values))
	fmt.Println(expfmt.UnescapeName("U__mysystem_2e_cpu_2e_load", expfmt.Values))
	// Output:
	// mysystem_cpu_load
	// mysystem_dot_cpu_dot_load
	// U__mysystem_2e_cpu_2e_load
	// mysystem.cpu.load
}

// ExampleParseFormat reads a format named in a flag and prints what it stands for: its
// short name and the media type a response in it carries.
func ExampleParseFormat() {
	for _, name := range []string{"openmetrics", "text-1.0.0", "xml"} {
		f, err := expfmt.ParseFormat(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%v: %s\n", f, expfmt.ContentType(f, expfmt.Underscores))
	}
	// Output:
	// openmetrics: application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores
	// text-1.0.0: text/plain; version=1.0.0; charset=utf-8; escaping=underscores
	// expfmt: unknown format "xml": expected text, text-1.0.0, openmetrics, openmetrics-0.0.1 or protobuf
}
