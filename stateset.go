package prom

import (
	"fmt"
	"sync/atomic"
	"unicode/utf8"
)

// StateSet is a metric that is in exactly one of a fixed list of states: a task that is
// starting, running or stopped; a circuit breaker that is closed, open or half-open. It is the
// Python client's Enum. It is exposed as the OpenMetrics type stateset, one sample per declared
// state labelled with the family's name, 1 for the current state and 0 for the others:
//
//	task_state{task_state="starting"} 0
//	task_state{task_state="running"} 1
//	task_state{task_state="stopped"} 0
//
// (in the Prometheus text format, the same samples as a gauge). A StateSet starts in the first
// state declared.
//
// A StateSet is one series: a metric without variable labels from NewStateSet, or one child of a
// StateSetVec. Set and State are safe for concurrent use, take no lock and allocate nothing.
//
// A state set where several states may be active at once — the features switched on, the
// checks failing — does not fit this type; write it from a custom collector, filling
// Series.States (see Writer.Emit).
type StateSet struct {
	seriesHead[StateSet]
	states *stateList
	cur    atomic.Uint32 // index of the current state in states.names
}

// stateList is the declared states of a family, shared by its children.
type stateList struct {
	names []string
	index map[string]uint32 // for long lists; nil when a linear scan is faster
}

// StateSetVec is a family of state sets with variable labels; see Vec. Every child has the
// same declared states.
type StateSetVec = Vec[StateSet, *StateSet]

// StateSetOf is a state set family labelled by the fields of struct type L; see TypedVec.
type StateSetOf[L any] = TypedVec[L, StateSet, *StateSet]

// NewStateSet creates a state set without variable labels and registers it (see
// Opts.Registry). states are the possible states, in the order they are exposed; there must be
// at least one, each a non-empty valid UTF-8 string, with no duplicates. The state set starts in
// states[0]. A state set has no unit: Opts.Unit is rejected.
func NewStateSet(name, help string, states []string, opts ...Opts) (*StateSet, error) {
	v := new(StateSetVec)
	return newSingle(v, newStateSetVec(v, name, help, states, nil, opts))
}

// NewStateSetVec creates a family of state sets with the given label names and registers it.
// The states are checked as by NewStateSet; no label may be named like the family, since that
// label holds the state.
func NewStateSetVec(name, help string, states, labelNames []string, opts ...Opts) (*StateSetVec, error) {
	v := new(StateSetVec)
	return newFamily(v, newStateSetVec(v, name, help, states, labelNames, opts))
}

// NewStateSetOf creates a state set family labelled by the fields of L and registers it.
func NewStateSetOf[L any](name, help string, states []string, opts ...Opts) (*StateSetOf[L], error) {
	list, err := newStateList(name, states)
	if err != nil {
		return nil, err
	}
	if err := noUnit(StateSetType, name, opts); err != nil {
		return nil, err
	}
	return newTyped[L](StateSetType, name, help, opts, list.initChild)
}

func newStateSetVec(v *StateSetVec, name, help string, states, labelNames []string, opts []Opts) error {
	list, err := newStateList(name, states)
	if err != nil {
		return err
	}
	if err := noUnit(StateSetType, name, opts); err != nil {
		return err
	}
	return newVec(v, StateSetType, name, help, labelNames, opts, list.initChild)
}

// linearStates is the length up to which Set finds a state by comparing strings rather than by
// a map lookup.
const linearStates = 8

func newStateList(name string, states []string) (*stateList, error) {
	if len(states) == 0 {
		return nil, fmt.Errorf("prom: stateset %q: no states given; a state set needs at least one", name)
	}
	if uint64(len(states)) > 1<<31 { // uint64: an int of 32 bits cannot hold the bound
		return nil, fmt.Errorf("prom: stateset %q: %d states are too many", name, len(states))
	}
	l := &stateList{names: make([]string, len(states))}
	seen := make(map[string]uint32, len(states))
	for i, s := range states {
		switch {
		case s == "":
			return nil, fmt.Errorf("prom: stateset %q: state %d is empty", name, i)
		case !utf8.ValidString(s):
			return nil, fmt.Errorf("prom: stateset %q: state %q is not valid UTF-8", name, s)
		}
		if _, dup := seen[s]; dup {
			return nil, fmt.Errorf("prom: stateset %q: state %q is declared twice", name, s)
		}
		seen[s] = uint32(i)
		l.names[i] = s
	}
	if len(states) > linearStates {
		l.index = seen
	}
	return l, nil
}

func (l *stateList) initChild(s *StateSet) { s.states = l }

func (l *stateList) find(state string) (uint32, bool) {
	if l.index != nil {
		i, ok := l.index[state]
		return i, ok
	}
	for i, s := range l.names {
		if s == state {
			return uint32(i), true
		}
	}
	return 0, false
}

// Set makes state the current state. A state that was not declared leaves the state set
// unchanged and is reported to the registry's error handler as ErrUnknownState; Set never
// panics. Set is one atomic store after finding the state among the declared ones.
func (s *StateSet) Set(state string) {
	i, ok := s.states.find(state)
	if !ok {
		s.core.report(ErrUnknownState, "Set(%q) ignored: the declared states are %s", state, quoteAll(s.states.names))
		return
	}
	s.cur.Store(i)
}

// State returns the current state.
func (s *StateSet) State() string { return s.states.names[s.cur.Load()] }

// States returns the declared states, in their order. The caller must not modify the slice.
func (s *StateSet) States() []string { return s.states.names }

// Describe returns the description of the state set's family.
func (s *StateSet) Describe() []*Desc { return s.core.descs }

// Collect writes the state set as a family of one series. Registries call it for state sets
// made by NewStateSet; a child of a StateSetVec is collected with its vector.
func (s *StateSet) Collect(w *Writer) {
	if w.Family(s.core.desc) {
		s.collect(w)
	}
}

func (s *StateSet) collect(w *Writer) {
	ser := w.scratch()
	ser.LabelValues = s.labelValues()
	cur := s.cur.Load()
	for i, name := range s.states.names {
		ser.States = append(ser.States, State{Name: name, Enabled: uint32(i) == cur})
	}
	w.emit(ser)
}
