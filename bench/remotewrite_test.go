package bench

// Remote write: one push of N counter series (10 families, two labels each) to a local
// receiver that reads and drops the body, in Remote Write 2.0.
//
// BenchmarkRemoteWrite is the whole push from a registry: prom's remote.Client.Push against
// client_golang's registry gathered, turned into an io.prometheus.write.v2.Request with the
// symbol table of exp/api/remote, and sent with exp/api/remote's API.Write (marshalling and
// snappy included).
//
// BenchmarkRemoteWriteEncode gives client_golang its best case: the Request already built,
// so only API.Write's marshalling, compression and send are timed, against prom's whole push.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	klauspost "github.com/klauspost/compress/snappy"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/snappy"
	promremote "github.com/prom-go/prom/remote"
	"github.com/prometheus/client_golang/exp/api/remote"
	writev2 "github.com/prometheus/client_golang/exp/api/remote/genproto/v2"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

var rwSizes = []int{1000, 10000}

// rwReceiver answers every write with success and the 2.0 written-samples header, which
// exp/api/remote requires.
func rwReceiver(b *testing.B) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Prometheus-Remote-Write-Samples-Written", "1")
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(srv.Close)
	return srv.URL + "/api/v1/write"
}

func rwLabel(family, i int) string { return fmt.Sprintf("instance-%d-%d.example.com:9100", family, i) }

func promRWRegistry(n int) *prom.Registry {
	reg := prom.NewRegistry()
	for f := 0; f < 10; f++ {
		c := prom.Must(prom.NewCounterVec(fmt.Sprintf("rw_family_%d_total", f), "A family.", []string{"instance", "shard"}, prom.Opts{Registry: reg}))
		for i := 0; i < n/10; i++ {
			c.With(rwLabel(f, i), "shard-1").Add(float64(i))
		}
	}
	return reg
}

func cgRWRegistry(n int) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	for f := 0; f < 10; f++ {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: fmt.Sprintf("rw_family_%d_total", f), Help: "A family."}, []string{"instance", "shard"})
		reg.MustRegister(c)
		for i := 0; i < n/10; i++ {
			c.WithLabelValues(rwLabel(f, i), "shard-1").Add(float64(i))
		}
	}
	return reg
}

// cgRequest turns gathered counter families into a 2.0 Request, as a client_golang user must.
func cgRequest(mfs []*dto.MetricFamily, st *writev2.SymbolsTable, now int64) *writev2.Request {
	st.Reset()
	req := &writev2.Request{}
	var lbls []string
	for _, mf := range mfs {
		help := st.Symbolize(mf.GetHelp())
		for _, m := range mf.Metric {
			lbls = append(lbls[:0], "__name__", mf.GetName())
			for _, lp := range m.Label {
				lbls = append(lbls, lp.GetName(), lp.GetValue())
			}
			req.Timeseries = append(req.Timeseries, &writev2.TimeSeries{
				LabelsRefs: st.SymbolizeLabels(lbls, nil),
				Samples:    []*writev2.Sample{{Value: m.GetCounter().GetValue(), Timestamp: now}},
				Metadata:   &writev2.Metadata{Type: writev2.Metadata_METRIC_TYPE_COUNTER, HelpRef: help},
			})
		}
	}
	req.Symbols = st.Symbols()
	return req
}

func cgAPI(b *testing.B, u string) *remote.API {
	api, err := remote.NewAPI(u)
	if err != nil {
		b.Fatal(err)
	}
	return api
}

func BenchmarkRemoteWrite(b *testing.B) {
	for _, n := range rwSizes {
		b.Run(fmt.Sprintf("series=%d/prom", n), func(b *testing.B) {
			c, err := promremote.New(rwReceiver(b), promremote.Options{Version: promremote.V2, Registries: []*prom.Registry{promRWRegistry(n)}})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close(context.Background())
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Push(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("series=%d/client_golang", n), func(b *testing.B) {
			reg := cgRWRegistry(n)
			api := cgAPI(b, rwReceiver(b))
			st := writev2.NewSymbolTable()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				mfs, err := reg.Gather()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := api.Write(ctx, remote.WriteV2MessageType, cgRequest(mfs, &st, 1_700_000_000_000)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRemoteWriteEncode(b *testing.B) {
	for _, n := range rwSizes {
		b.Run(fmt.Sprintf("series=%d/prom", n), func(b *testing.B) {
			c, err := promremote.New(rwReceiver(b), promremote.Options{Version: promremote.V2, Registries: []*prom.Registry{promRWRegistry(n)}})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close(context.Background())
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Push(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("series=%d/client_golang", n), func(b *testing.B) {
			mfs, err := cgRWRegistry(n).Gather()
			if err != nil {
				b.Fatal(err)
			}
			st := writev2.NewSymbolTable()
			req := cgRequest(mfs, &st, 1_700_000_000_000)
			api := cgAPI(b, rwReceiver(b))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := api.Write(ctx, remote.WriteV2MessageType, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRemoteWriteSnappy isolates the compression of BenchmarkRemoteWriteEncode: the
// marshalled 10k-series 2.0 request compressed by prom's internal/snappy and by
// klauspost/compress/snappy, the one exp/api/remote uses (assembly on amd64 and arm64).
// It reports the compressed size as bytes_out.
func BenchmarkRemoteWriteSnappy(b *testing.B) {
	mfs, err := cgRWRegistry(10000).Gather()
	if err != nil {
		b.Fatal(err)
	}
	st := writev2.NewSymbolTable()
	raw, err := cgRequest(mfs, &st, 1_700_000_000_000).MarshalVT()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		enc  func(dst, src []byte) []byte
	}{
		{"prom", snappy.Encode},
		{"klauspost", func(dst, src []byte) []byte { return klauspost.Encode(dst[:cap(dst)], src) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			dst := make([]byte, 0, klauspost.MaxEncodedLen(len(raw))+snappy.MaxEncodedLen(len(raw)))
			var out []byte
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				out = c.enc(dst[:0], raw)
			}
			b.ReportMetric(float64(len(out)), "bytes_out")
		})
	}
}
