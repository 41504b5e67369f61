package promgrpc

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/prom-go/prom"
	promexpfmt "github.com/prom-go/prom/expfmt"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/grpc"
)

// zeroSeries reports whether a series prom has and the provider lacks is a deliberate
// difference: prom creates the series of a method's families when it first sees the method,
// at 0, so that ratios such as received over started exist from the first call; the
// provider creates each series at its first increment.
func zeroSeries(theirs, ours string) bool { return theirs == "" && ours == "counter 0" }

// TestProvider sends the same traffic through go-grpc-middleware's provider (registered in
// client_golang) and prom's interceptors in one chain, on the server (with InitializeMetrics
// on both) and on the client, and compares the expositions, client_golang's gathered and
// prom's parsed by prometheus/common: the same families of the same types, the same series
// with the same values, and histograms with the same bounds and counts (the bucket counts
// and sums hold durations, which differ), but for zeroSeries.
func TestProvider(t *testing.T) {
	creg := prometheus.NewRegistry()
	psm := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	pcm := grpcprom.NewClientMetrics(grpcprom.WithClientHandlingTimeHistogram(),
		grpcprom.WithClientStreamRecvHistogram(), grpcprom.WithClientStreamSendHistogram())
	creg.MustRegister(psm, pcm)

	preg := prom.NewRegistry()
	preg.SetCreatedSeries(false)
	sm, err := NewServerMetrics(Opts{Registry: preg})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := NewClientMetrics(Opts{Registry: preg, MsgHistograms: true})
	if err != nil {
		t.Fatal(err)
	}

	svc := &testService{blocked: make(chan struct{})}
	srv, conn := startService(t, svc,
		[]grpc.ServerOption{
			grpc.ChainUnaryInterceptor(psm.UnaryServerInterceptor(), sm.UnaryServerInterceptor(), recovery.UnaryServerInterceptor()),
			grpc.ChainStreamInterceptor(psm.StreamServerInterceptor(), sm.StreamServerInterceptor(), recovery.StreamServerInterceptor()),
		},
		grpc.WithChainUnaryInterceptor(pcm.UnaryClientInterceptor(), cm.UnaryClientInterceptor()),
		grpc.WithChainStreamInterceptor(pcm.StreamClientInterceptor(), cm.StreamClientInterceptor()),
	)
	psm.InitializeMetrics(srv)
	sm.InitializeMetrics(srv)
	traffic(t, svc, conn)
	conn.Close()
	srv.GracefulStop()

	gathered, err := creg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	theirs := flatten(gathered)

	var buf bytes.Buffer
	enc := promexpfmt.NewEncoder(&buf, promexpfmt.TextFormat, promexpfmt.Underscores)
	if err := preg.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	parsed, err := parser.TextToMetricFamilies(&buf)
	if err != nil {
		t.Fatalf("prometheus/common cannot read prom's exposition: %v", err)
	}
	var fams []*dto.MetricFamily
	for _, f := range parsed {
		fams = append(fams, f)
	}
	ours := flatten(fams)

	if len(theirs) < 200 {
		t.Fatalf("the provider's exposition has %d series; the traffic and InitializeMetrics give more", len(theirs))
	}
	keys := map[string]bool{}
	for k := range theirs {
		keys[k] = true
	}
	for k := range ours {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if theirs[k] != ours[k] && !zeroSeries(theirs[k], ours[k]) {
			t.Errorf("%s:\n provider %q\n prom     %q", k, theirs[k], ours[k])
		}
	}
	t.Logf("%d series compared", len(sorted))
}

// flatten gives each series of fams a key, its name and sorted labels, and a value: its type
// and value, or for a histogram its count and bounds.
func flatten(fams []*dto.MetricFamily) map[string]string {
	out := map[string]string{}
	for _, f := range fams {
		for _, m := range f.Metric {
			var ls []string
			for _, l := range m.Label {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sort.Strings(ls)
			k := f.GetName() + "{" + strings.Join(ls, ",") + "}"
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[k] = fmt.Sprintf("counter %g", m.GetCounter().GetValue())
			case dto.MetricType_HISTOGRAM:
				var les []string
				for _, b := range m.GetHistogram().GetBucket() {
					les = append(les, fmt.Sprint(b.GetUpperBound()))
				}
				// client_golang leaves +Inf implicit; the text format writes it.
				if n := len(les); n == 0 || les[n-1] != "+Inf" {
					les = append(les, "+Inf")
				}
				out[k] = fmt.Sprintf("histogram count=%d le=%s", m.GetHistogram().GetSampleCount(), strings.Join(les, ","))
			default:
				out[k] = fmt.Sprintf("%v", f.GetType())
			}
		}
	}
	return out
}
