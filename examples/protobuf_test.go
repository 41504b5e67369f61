package examples

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

const protoAccept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"

// compareProtobuf scrapes both in the protobuf format, which Prometheus asks for first when
// it ingests native histograms, and compares families (name and type), label sets, and for
// each histogram the native layout the options decide: schema and zero threshold, and whether
// it has native buckets at all, and the finite bounds of its classic buckets; and for every
// series whether it carries a created timestamp. It runs after the
// text comparisons, which waited for the series goroutines create.
func compareProtobuf(t *testing.T, orig, port string) {
	o, p := scrapeProto(t, orig), scrapeProto(t, port)
	if missing, extra := diff(o, p); len(missing)+len(extra) > 0 {
		t.Errorf("protobuf series of the original missing in the port:\n%s\nonly in the port:\n%s", strings.Join(missing, "\n"), strings.Join(extra, "\n"))
	}
}

// scrapeProto returns, by family name, label set and type, a description of each series:
// whether it has a created timestamp, and for histograms their native layout.
func scrapeProto(t *testing.T, url string) map[string]string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", protoAccept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.google.protobuf") {
		t.Fatalf("GET %s in protobuf: Content-Type %q", url, ct)
	}
	dec := expfmt.NewDecoder(resp.Body, expfmt.NewFormat(expfmt.TypeProtoDelim))
	out := map[string]string{}
	for {
		var mf dto.MetricFamily
		if err := dec.Decode(&mf); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("GET %s in protobuf: %v", url, err)
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				v := l.GetValue()
				if mf.GetName() == "go_build_info" {
					v = "*" // the main module differs; see maskBuildInfo
				}
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), v))
			}
			sort.Strings(labels)
			k := mf.GetName() + "{" + strings.Join(labels, ",") + "} " + mf.GetType().String()
			// Whether the series carries its creation time, which Prometheus reads from
			// protobuf (created-timestamp-zero-ingestion) without storing a series for it.
			out[k] = fmt.Sprintf("created=%v", m.GetCounter().GetCreatedTimestamp() != nil ||
				m.GetHistogram().GetCreatedTimestamp() != nil || m.GetSummary().GetCreatedTimestamp() != nil)
			if h := m.GetHistogram(); h != nil {
				native := h.GetSchema() != 0 || h.GetZeroThreshold() != 0 || len(h.GetPositiveSpan())+len(h.GetNegativeSpan()) > 0
				// The +Inf bucket is implicit in protobuf: client_golang leaves it out, prom
				// writes it; Prometheus reads the same series from both. The finite bounds count.
				var les []string
				for _, b := range h.GetBucket() {
					if !math.IsInf(b.GetUpperBound(), 1) {
						les = append(les, strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64))
					}
				}
				out[k] += fmt.Sprintf(" native=%v schema=%d zero_threshold=%g le=%v", native, h.GetSchema(), h.GetZeroThreshold(), les)
			}
		}
	}
}
