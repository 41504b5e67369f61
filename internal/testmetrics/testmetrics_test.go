package testmetrics

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/prom-go/prom"
)

// values keeps "name{values} value" of each series collected.
type values []string

func (v *values) Family(*prom.Desc) {}
func (v *values) Series(d *prom.Desc, s *prom.Series) {
	*v = append(*v, fmt.Sprintf("%s%v %v", d.Name, s.LabelValues, s.Value))
}

func TestRegistry(t *testing.T) {
	var got values
	if err := Registry(t).Collect(context.Background(), &got); err != nil {
		t.Fatal(err)
	}
	want := values{"jobs_done[] 3", "queue_length[high] 7", "test.utf8[] 1", "test_gauge[] 42"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("series %q, want %q", got, want)
	}
}
