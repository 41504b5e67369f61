package prom

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestStateSet(t *testing.T) {
	r := NewRegistry()
	var errs []error
	r.SetErrorHandler(func(err error) { errs = append(errs, err) })
	s := Must(NewStateSet("task_state", "Task state.", []string{"starting", "running", "stopped"}, Opts{Registry: r}))
	v := Must(NewStateSetVec("breaker", "Circuit breakers.", []string{"closed", "open"}, []string{"peer"}, Opts{Registry: r}))
	type peer struct{ Host string }
	tv := Must(NewStateSetOf[peer]("link", "Links.", []string{"up", "down"}, Opts{Registry: r}))

	if got := s.State(); got != "starting" {
		t.Errorf("initial state %q, want the first declared", got)
	}
	s.Set("running")
	s.Set("paused") // unknown: unchanged, reported
	v.With("db").Set("open")
	v.With("cache")
	tv.With(peer{"a"}).Set("down")

	want := `# TYPE breaker stateset
breaker{peer="db",breaker="closed"} 0
breaker{peer="db",breaker="open"} 1
breaker{peer="cache",breaker="closed"} 1
breaker{peer="cache",breaker="open"} 0
# TYPE link stateset
link{host="a",link="up"} 0
link{host="a",link="down"} 1
# TYPE task_state stateset
task_state{task_state="starting"} 0
task_state{task_state="running"} 1
task_state{task_state="stopped"} 0
`
	if got := mustSamples(t, r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := s.State(); got != "running" {
		t.Errorf("state after an unknown Set: %q, want running", got)
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrUnknownState) || !strings.HasPrefix(errs[0].Error(), `prom: metric "task_state": `) ||
		!strings.Contains(errs[0].Error(), `"paused"`) {
		t.Errorf("reported %v, want one ErrUnknownState naming \"paused\"", errs)
	}
	if got := fmt.Sprint(s.States()); got != "[starting running stopped]" {
		t.Errorf("States() = %s", got)
	}
}

func TestStateSetManyStates(t *testing.T) {
	// Past linearStates the lookup is a map; both paths must agree.
	var states []string
	for i := range 3 * linearStates {
		states = append(states, fmt.Sprintf("s%d", i))
	}
	s := Must(NewStateSet("m", "M.", states, Opts{Unregistered: true}))
	for _, st := range states {
		s.Set(st)
		if s.State() != st {
			t.Fatalf("Set(%q) then State() = %q", st, s.State())
		}
	}
}

func TestNewStateSetErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		states []string
		labels []string
		o      Opts
		want   string
	}{
		{"s", nil, nil, Opts{}, "no states"},
		{"s", []string{"a", ""}, nil, Opts{}, "state 1 is empty"},
		{"s", []string{"a", "b", "a"}, nil, Opts{}, `state "a" is declared twice`},
		{"s", []string{"\xff"}, nil, Opts{}, "not valid UTF-8"},
		{"s", []string{"a"}, []string{"s"}, Opts{}, "holds the state"},
		{"s", []string{"a"}, nil, Opts{ConstLabels: map[string]string{"s": "x"}}, "holds the state"},
		{"s", []string{"a"}, nil, Opts{Unit: "seconds"}, "forbids a unit"},
		{"s", []string{"a"}, nil, Opts{Objectives: map[float64]float64{0.5: 0.1}}, "Objectives"},
	} {
		tt.o.Unregistered = true
		var err error
		if tt.labels == nil {
			_, err = NewStateSet(tt.name, "Help.", tt.states, tt.o)
		} else {
			_, err = NewStateSetVec(tt.name, "Help.", tt.states, tt.labels, tt.o)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewStateSet(%q, %q, %q): error %v, want one containing %q", tt.name, tt.states, tt.labels, err, tt.want)
		}
	}
	type l struct{ A string }
	if _, err := NewStateSetOf[l]("s", "S.", nil, Opts{Unregistered: true}); err == nil || !strings.Contains(err.Error(), "no states") {
		t.Errorf("NewStateSetOf without states: %v", err)
	}
}

func TestStateSetConcurrent(t *testing.T) {
	r := NewRegistry()
	states := []string{"a", "b", "c", "d"}
	v := Must(NewStateSetVec("s", "S.", states, []string{"k"}, Opts{Registry: r}))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				v.With(fmt.Sprint(i % 3)).Set(states[(g+i)%len(states)])
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 50 {
			var e stateCheckEncoder
			if err := r.Collect(t.Context(), &e); err != nil {
				t.Error(err)
			}
			if e.bad != "" {
				t.Error(e.bad)
			}
		}
	}()
	wg.Wait()
	if v.Len() != 3 {
		t.Errorf("%d children, want 3", v.Len())
	}
}

// stateCheckEncoder checks that every stateset series it sees has exactly one enabled state.
type stateCheckEncoder struct{ bad string }

func (*stateCheckEncoder) Family(*Desc) {}
func (e *stateCheckEncoder) Series(d *Desc, s *Series) {
	if d.Type != StateSetType {
		return
	}
	n := 0
	for _, st := range s.States {
		if st.Enabled {
			n++
		}
	}
	if n != 1 || len(s.States) != 4 {
		e.bad = fmt.Sprintf("series %v: %d of %d states enabled", s.LabelValues, n, len(s.States))
	}
}

func TestStateSetAllocs(t *testing.T) {
	r := NewRegistry()
	s := Must(NewStateSet("s", "S.", []string{"a", "b", "c"}, Opts{Registry: r}))
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprint("state", i)
	}
	m := Must(NewStateSet("m", "M.", many, Opts{Registry: r}))
	v := Must(NewStateSetVec("v", "V.", []string{"a", "b"}, []string{"x", "y"}, Opts{Registry: r}))
	type lab struct{ X, Y string }
	tv := Must(NewStateSetOf[lab]("tv", "TV.", []string{"a", "b"}, Opts{Registry: r}))
	v.With("1", "2")
	tv.With(lab{"1", "2"})
	var e discardEncoder
	collectOnce(r, &e)
	for name, f := range map[string]func(){
		"Set":        func() { s.Set("c") },
		"Set map":    func() { m.Set("state17") },
		"State":      func() { _ = s.State() },
		"With.Set":   func() { v.With("1", "2").Set("b") },
		"typed With": func() { tv.With(lab{"1", "2"}).Set("b") },
		"collect":    func() { collectOnce(r, &e) },
	} {
		if name == "collect" && raceEnabled {
			continue
		}
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}

func BenchmarkStateSetSet(b *testing.B) {
	s := Must(NewStateSet("s", "S.", []string{"starting", "running", "stopping", "stopped"}, Opts{Unregistered: true}))
	for b.Loop() {
		s.Set("stopped")
	}
}
