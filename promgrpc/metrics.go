package promgrpc

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// callType is the grpc_type label: how many messages each side of a call sends.
type callType uint8

const (
	unaryCall callType = iota
	clientStreamCall
	serverStreamCall
	bidiStreamCall
	numTypes
)

var typeNames = [numTypes]string{"unary", "client_stream", "server_stream", "bidi_stream"}

// streamType is the type of a streaming call. A stream that streams neither way is labelled
// bidi_stream, as the provider labels it.
func streamType(clientStreams, serverStreams bool) callType {
	switch {
	case clientStreams && !serverStreams:
		return clientStreamCall
	case !clientStreams && serverStreams:
		return serverStreamCall
	}
	return bidiStreamCall
}

// numCodes is the number of status codes gRPC defines (OK to Unauthenticated, 0 to 16): the
// handled counters of these are kept per method; any other code is looked up on each call.
const numCodes = 17

// maxMethods bounds the distinct (method, type) pairs one ServerMetrics or ClientMetrics
// labels: beyond it, calls are counted under grpc_service="unknown", grpc_method="unknown",
// so that a server with grpc.UnknownServiceHandler cannot be made to create series without
// end by clients inventing method names.
const maxMethods = 1024

// families are the metric families of one side, server or client, and the children of the
// methods called so far.
type families struct {
	started, handled, received, sent *prom.CounterVec
	handling, msgSend, msgRecv       *prom.HistogramVec // nil when not asked for
	exemplar                         func(context.Context) []prom.Label
	reg                              *prom.Registry
	clock                            func() time.Duration // monotonic; tests replace it
	timed                            bool                 // a histogram needs durations

	methods  atomic.Pointer[map[methodKey]*method]
	mu       sync.Mutex
	overflow [numTypes]*method // the "unknown" methods past maxMethods, under mu
}

type methodKey struct {
	full string // "/package.Service/Method"
	typ  callType
}

// method holds the children of one method and call type, looked up once.
type method struct {
	f                          *families
	typ, service, name         string
	started, received, sent    *prom.Counter
	handling, msgSend, msgRecv *prom.Histogram
	handled                    [numCodes]atomic.Pointer[prom.Counter]
}

var labels = []string{"grpc_type", "grpc_service", "grpc_method"}
var labelsCode = []string{"grpc_type", "grpc_service", "grpc_method", "grpc_code"}

// newFamilies creates and registers the families of side ("server" or "client"). When one
// cannot be registered, those registered before it are unregistered.
func newFamilies(f *families, side string, o Opts) (err error) {
	reg := o.Registry
	if reg == nil {
		reg = prom.Default
	}
	defer func() {
		if err == nil {
			return
		}
		for _, c := range []*prom.CounterVec{f.started, f.handled, f.received, f.sent} {
			if c != nil {
				reg.Unregister(c)
			}
		}
		for _, h := range []*prom.HistogramVec{f.handling, f.msgSend, f.msgRecv} {
			if h != nil {
				reg.Unregister(h)
			}
		}
	}()
	po := prom.Opts{Registry: o.Registry, Namespace: o.Namespace}
	ho := po
	ho.Buckets = o.Buckets
	ho.NativeFactor = o.NativeFactor
	who := "the server"
	if side == "client" {
		who = "the client"
	}
	name := func(s string) string { return "grpc_" + side + "_" + s }
	if f.started, err = prom.NewCounterVec(name("started_total"),
		"RPCs started by "+who+", by type, service and method.", labels, po); err != nil {
		return err
	}
	if f.handled, err = prom.NewCounterVec(name("handled_total"),
		"RPCs finished by "+who+", whatever their outcome, by type, service, method and status code.", labelsCode, po); err != nil {
		return err
	}
	if f.received, err = prom.NewCounterVec(name("msg_received_total"),
		"Messages received by "+who+", by type, service and method.", labels, po); err != nil {
		return err
	}
	if f.sent, err = prom.NewCounterVec(name("msg_sent_total"),
		"Messages sent by "+who+", by type, service and method.", labels, po); err != nil {
		return err
	}
	if !o.NoHistogram {
		if f.handling, err = prom.NewHistogramVec(name("handling_seconds"),
			"Time from the start of RPCs until "+who+" finished them, by type, service and method.", labels, ho); err != nil {
			return err
		}
	}
	if side == "client" && o.MsgHistograms {
		if f.msgSend, err = prom.NewHistogramVec(name("msg_send_handling_seconds"),
			"Time the client took to send each message, by type, service and method.", labels, ho); err != nil {
			return err
		}
		if f.msgRecv, err = prom.NewHistogramVec(name("msg_recv_handling_seconds"),
			"Time the client waited for each message it received, by type, service and method.", labels, ho); err != nil {
			return err
		}
	}
	f.exemplar = o.Exemplar
	f.reg = reg
	f.clock = monotonic
	f.timed = f.handling != nil || f.msgSend != nil
	f.methods.Store(&map[methodKey]*method{})
	return nil
}

// epoch is the origin of monotonic, which reads only the monotonic clock: half the cost of
// time.Now, which reads the wall clock too.
var epoch = time.Now()

func monotonic() time.Duration { return time.Since(epoch) }

// method returns the children of the method named full ("/package.Service/Method") called as
// t, from a copy-on-write map read without a lock.
func (f *families) method(full string, t callType) *method {
	if m, ok := (*f.methods.Load())[methodKey{full, t}]; ok {
		return m
	}
	return f.newMethod(full, t)
}

func (f *families) newMethod(full string, t callType) *method {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := *f.methods.Load()
	if m, ok := old[methodKey{full, t}]; ok {
		return m
	}
	if len(old) >= maxMethods {
		if f.overflow[t] == nil {
			f.overflow[t] = f.children(t, "unknown", "unknown")
		}
		return f.overflow[t]
	}
	full = strings.Clone(full)
	service, name := splitMethod(full)
	m := f.children(t, service, name)
	next := make(map[methodKey]*method, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[methodKey{full, t}] = m
	f.methods.Store(&next)
	return m
}

func (f *families) children(t callType, service, name string) *method {
	typ := typeNames[t]
	m := &method{f: f, typ: typ, service: service, name: name,
		started:  f.started.With(typ, service, name),
		received: f.received.With(typ, service, name),
		sent:     f.sent.With(typ, service, name),
	}
	if f.handling != nil {
		m.handling = f.handling.With(typ, service, name)
	}
	if f.msgSend != nil {
		m.msgSend = f.msgSend.With(typ, service, name)
		m.msgRecv = f.msgRecv.With(typ, service, name)
	}
	return m
}

// splitMethod splits "/package.Service/Method" into its service and method; a name without
// a second slash gives "unknown" for both, as the provider labels it.
func splitMethod(full string) (service, name string) {
	full = strings.TrimPrefix(full, "/")
	if i := strings.IndexByte(full, '/'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "unknown", "unknown"
}

// handledCounter returns the grpc_*_handled_total child of code c.
func (m *method) handledCounter(c codes.Code) *prom.Counter {
	if c >= numCodes {
		return m.f.handled.With(m.typ, m.service, m.name, c.String())
	}
	p := m.handled[c].Load()
	if p == nil {
		// Two goroutines may both get here: With returns the same child to both.
		p = m.f.handled.With(m.typ, m.service, m.name, c.String())
		m.handled[c].Store(p)
	}
	return p
}

// initCodes creates the handled children of every code, which exposes them at 0.
func (m *method) initCodes() {
	for c := codes.Code(0); c < numCodes; c++ {
		m.handledCounter(c)
	}
}

// finish counts a call that ended with code c after d, with the exemplar of ctx.
func (m *method) finish(ctx context.Context, c codes.Code, d time.Duration) {
	handled := m.handledCounter(c)
	secs := d.Seconds()
	if ex := m.f.exemplar; ex != nil {
		if l := ex(ctx); len(l) > 0 {
			handled.AddWithExemplar(1, l...)
			if m.handling != nil {
				m.handling.ObserveWithExemplar(secs, l...)
			}
			return
		}
		handled.Inc()
		if m.handling != nil {
			m.handling.Observe(secs)
		}
		return
	}
	handled.IncCtx(ctx)
	if m.handling != nil {
		m.handling.ObserveCtx(ctx, secs)
	}
}

// codeOf returns the status code of err as gRPC sends it: the code of a status error, that
// of a context error (Canceled, DeadlineExceeded), and Unknown for any other error.
func codeOf(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	c := status.Code(err)
	if c == codes.Unknown {
		if _, ok := status.FromError(err); !ok {
			switch {
			case errors.Is(err, context.Canceled):
				return codes.Canceled
			case errors.Is(err, context.DeadlineExceeded):
				return codes.DeadlineExceeded
			}
		}
	}
	return c
}

// registry returns the registry the families are in, for tests.
func (f *families) registry() *prom.Registry { return f.reg }

// now reads the clock when a histogram needs durations, and returns 0 otherwise: a clock
// read is a third of the cost of a call's counting.
func (f *families) now() time.Duration {
	if !f.timed {
		return 0
	}
	return f.clock()
}
