package multiprocess

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prom-go/prom"
)

// Opts.MaxSeries bounds the series a process records for a family: past it, new label values
// share the overflow series, so the totals stay exact, and the first refusal is reported.
func TestMaxSeries(t *testing.T) {
	var reports atomic.Int64
	p, err := Open(Opts{Dir: t.TempDir(), ErrorHandler: func(err error) {
		if errors.Is(err, prom.ErrSeriesLimit) {
			reports.Add(1)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v, err := p.NewCounterVec("hits_total", "Hits.", []string{"path"}, prom.Opts{MaxSeries: 3})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				v.With("/" + strconv.Itoa(g*10+i)).Inc()
			}
		}()
	}
	wg.Wait()
	if v.n != 4 {
		t.Errorf("%d series recorded, want 3 and the overflow one", v.n)
	}
	if n := reports.Load(); n != 1 {
		t.Errorf("ErrSeriesLimit reported %d times, want once", n)
	}
	reg := prom.NewRegistry()
	if err := p.Register(reg); err != nil {
		t.Fatal(err)
	}
	var enc sumEncoder
	if err := reg.Collect(t.Context(), &enc); err != nil {
		t.Fatal(err)
	}
	if enc.sum != 40 || !enc.overflow {
		t.Errorf("sum %v (want 40), overflow series written: %v", enc.sum, enc.overflow)
	}
	if _, err := p.NewCounterVec("x_total", "X.", []string{"a"}, prom.Opts{ExpireAfter: 1}); err == nil || !strings.Contains(err.Error(), "cannot expire") {
		t.Errorf("ExpireAfter: %v, want a refusal", err)
	}
}

// sumEncoder sums the values of the family hits and notes its overflow series.
type sumEncoder struct {
	sum      float64
	overflow bool
}

func (e *sumEncoder) Family(*prom.Desc) {}
func (e *sumEncoder) Series(d *prom.Desc, s *prom.Series) {
	if d.Name == "hits" {
		e.sum += s.Value
		e.overflow = e.overflow || s.LabelValues[0] == prom.OverflowValue
	}
}
