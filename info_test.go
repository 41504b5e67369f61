package prom

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestInfo(t *testing.T) {
	r := NewRegistry()
	var errs []error
	r.SetErrorHandler(func(err error) { errs = append(errs, err) })
	i := Must(NewInfo("build_info", "Build.", Opts{Registry: r, ConstLabels: map[string]string{"svc": "api"}}))
	v := Must(NewInfoVec("dev", "Devices.", []string{"slot"}, Opts{Registry: r}))

	// Exposed from creation with no info labels, as the Python client does.
	if got, want := mustSamples(t, r), "# TYPE build info\nbuild_info{svc=\"api\"} 1\n"; got != want {
		t.Errorf("before Set: got\n%s\nwant\n%s", got, want)
	}

	if err := i.Set(map[string]string{"version": "1.2", "commit": "abc"}); err != nil {
		t.Fatal(err)
	}
	if err := v.With("0").Set(map[string]string{"model": "x1"}); err != nil {
		t.Fatal(err)
	}
	if err := v.With("1").Set(map[string]string{"vendor": "acme", "model": "\xffy"}); err != nil {
		t.Fatal(err)
	}
	v.With("2") // never Set: only the variable label
	want := `# TYPE build info
build_info{svc="api",commit="abc",version="1.2"} 1
# TYPE dev info
dev_info{slot="0",model="x1"} 1
dev_info{slot="1",model="�y",vendor="acme"} 1
dev_info{slot="2"} 1
`
	if got := mustSamples(t, r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrInvalidUTF8) || !strings.HasPrefix(errs[0].Error(), `prom: metric "dev": `) {
		t.Errorf("reported %v, want one ErrInvalidUTF8 for dev", errs)
	}
	if got := i.Labels(); !maps.Equal(got, map[string]string{"version": "1.2", "commit": "abc"}) {
		t.Errorf("Labels() = %v", got)
	}

	// Set replaces, and nil removes the info labels.
	if err := i.Set(map[string]string{"version": "2"}); err != nil {
		t.Fatal(err)
	}
	if got := mustSamples(t, r, "build_info"); got != "# TYPE build info\nbuild_info{svc=\"api\",version=\"2\"} 1\n" {
		t.Errorf("after second Set: %q", got)
	}
	if err := i.Set(nil); err != nil {
		t.Fatal(err)
	}
	if got := mustSamples(t, r, "build"); got != "# TYPE build info\nbuild_info{svc=\"api\"} 1\n" {
		t.Errorf("after Set(nil): %q", got)
	}
	if i.Labels() != nil {
		t.Errorf("Labels() after Set(nil) = %v", i.Labels())
	}
}

func TestInfoSetErrors(t *testing.T) {
	r := NewRegistry()
	i := Must(NewInfo("i", "I.", Opts{Registry: r, ConstLabels: map[string]string{"c": "1"}}))
	v := Must(NewInfoVec("v", "V.", []string{"slot"}, Opts{Registry: r}))
	if err := i.Set(map[string]string{"ok": "1"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		i      *Info
		labels map[string]string
		want   string
	}{
		{i, map[string]string{"": "x"}, "label name is empty"},
		{i, map[string]string{"__name__": "x"}, "reserved"},
		{i, map[string]string{"c": "x"}, "constant label"},
		{v.With("0"), map[string]string{"slot": "x"}, "variable label"},
		{i, map[string]string{"\xff": "x"}, "not valid UTF-8"},
	} {
		err := tt.i.Set(tt.labels)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Set(%q): error %v, want one containing %q", tt.labels, err, tt.want)
		}
	}
	// A rejected Set leaves the labels as they were.
	if got := i.Labels(); !maps.Equal(got, map[string]string{"ok": "1"}) {
		t.Errorf("labels after rejected Sets: %v", got)
	}
}

func TestNewInfoErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		labels []string
		o      Opts
		want   string
	}{
		{"i", nil, Opts{Unit: "seconds", Unregistered: true}, "forbids a unit"},
		{"i", nil, Opts{Buckets: []float64{1}, Unregistered: true}, "Buckets"},
		{"", nil, Opts{Unregistered: true}, "empty"},
		{"i", []string{"a", "a"}, Opts{Unregistered: true}, "duplicate"},
	} {
		var err error
		if tt.labels == nil {
			_, err = NewInfo(tt.name, "Help.", tt.o)
		} else {
			_, err = NewInfoVec(tt.name, "Help.", tt.labels, tt.o)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewInfo(%q, %v): error %v, want one containing %q", tt.name, tt.labels, err, tt.want)
		}
	}
	r := NewRegistry()
	Must(NewInfo("x_info", "X.", Opts{Registry: r}))
	if _, err := NewGauge("x_info", "X.", Opts{Registry: r}); err == nil {
		t.Error("a gauge x_info registered next to the info x")
	}
}

func TestInfoCollectAllocs(t *testing.T) {
	r := NewRegistry()
	i := Must(NewInfo("i", "I.", Opts{Registry: r}))
	if err := i.Set(map[string]string{"a": "1"}); err != nil {
		t.Fatal(err)
	}
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector")
	}
	var e discardEncoder
	collectOnce(r, &e) // warm the pools
	if n := testing.AllocsPerRun(100, func() { collectOnce(r, &e) }); n != 0 {
		t.Errorf("collecting an info metric: %v allocs", n)
	}
}

func mustSamples(t *testing.T, r *Registry, names ...string) string {
	t.Helper()
	s, err := samples(r, names...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
