package expfmt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/prom-go/prom"
)

// A small strict reader of the protobuf wire format and of the messages of metrics.proto, so the
// writer's output can be checked in this module without the protobuf module. The integration
// module checks the same output with the official client_model types.

type pbField struct {
	num  int
	wire int
	u    uint64 // varint or fixed64
	b    []byte // length-delimited
}

func pbFields(b []byte) ([]pbField, error) {
	var fs []pbField
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("bad tag varint")
		}
		b = b[n:]
		f := pbField{num: int(tag >> 3), wire: int(tag & 7)}
		if f.num == 0 {
			return nil, errors.New("field number 0")
		}
		switch f.wire {
		case wireVarint:
			f.u, n = binary.Uvarint(b)
			if n <= 0 {
				return nil, fmt.Errorf("field %d: bad varint", f.num)
			}
			b = b[n:]
		case wireFixed64:
			if len(b) < 8 {
				return nil, fmt.Errorf("field %d: short fixed64", f.num)
			}
			f.u = binary.LittleEndian.Uint64(b)
			b = b[8:]
		case wireBytes:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return nil, fmt.Errorf("field %d: bad length", f.num)
			}
			f.b = b[n : n+int(l)]
			b = b[n+int(l):]
		default:
			return nil, fmt.Errorf("field %d: unexpected wire type %d", f.num, f.wire)
		}
		fs = append(fs, f)
	}
	return fs, nil
}

func (f pbField) want(wire int) error {
	if f.wire != wire {
		return fmt.Errorf("field %d: wire type %d, want %d", f.num, f.wire, wire)
	}
	return nil
}

func (f pbField) double() float64 { return math.Float64frombits(f.u) }
func unzigzag(u uint64) int64     { return int64(u>>1) ^ -int64(u&1) }

// Decoded messages, mirroring metrics.proto. Optional message fields are pointers so that
// absence is visible.
type tFamily struct {
	Name, Help, Unit string
	Type             uint64
	Metrics          []tMetric
}

type tMetric struct {
	Labels      []prom.Label
	Kind        int // the Metric field holding the value: 2 gauge, 3 counter, 4 summary, 5 untyped, 7 histogram
	Value       float64
	Exemplar    *tExemplar
	Created     *int64 // nanoseconds
	Count       uint64
	Sum         float64
	Buckets     []tBucket
	Quantiles   []prom.Quantile
	Native      *tNative
	TimestampMs *int64
}

type tBucket struct {
	Count      uint64
	UpperBound float64
	Exemplar   *tExemplar
}

type tExemplar struct {
	Labels    []prom.Label
	Value     float64
	Timestamp *int64 // nanoseconds
}

type tNative struct {
	Schema         int32
	ZeroThreshold  float64
	ZeroCount      uint64
	NegativeSpans  []prom.BucketSpan
	NegativeDeltas []int64
	PositiveSpans  []prom.BucketSpan
	PositiveDeltas []int64
	Exemplars      []tExemplar
}

// decodeDelimited reads a stream of length-prefixed MetricFamily messages.
func decodeDelimited(b []byte) ([]tFamily, error) {
	var out []tFamily
	for len(b) > 0 {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return nil, errors.New("bad family length prefix")
		}
		f, err := decodeFamily(b[n : n+int(l)])
		if err != nil {
			return nil, fmt.Errorf("family %d: %w", len(out), err)
		}
		out = append(out, f)
		b = b[n+int(l):]
	}
	return out, nil
}

func decodeFamily(b []byte) (tFamily, error) {
	var f tFamily
	fs, err := pbFields(b)
	if err != nil {
		return f, err
	}
	for _, x := range fs {
		switch x.num {
		case 1, 2, 5:
			if err := x.want(wireBytes); err != nil {
				return f, err
			}
			*[]*string{1: &f.Name, 2: &f.Help, 5: &f.Unit}[x.num] = string(x.b)
		case 3:
			f.Type = x.u
		case 4:
			m, err := decodeMetric(x.b)
			if err != nil {
				return f, fmt.Errorf("metric %d: %w", len(f.Metrics), err)
			}
			f.Metrics = append(f.Metrics, m)
		default:
			return f, fmt.Errorf("unknown MetricFamily field %d", x.num)
		}
	}
	return f, nil
}

func decodeLabel(b []byte) (prom.Label, error) {
	var l prom.Label
	fs, err := pbFields(b)
	for _, x := range fs {
		switch x.num {
		case 1:
			l.Name = string(x.b)
		case 2:
			l.Value = string(x.b)
		default:
			return l, fmt.Errorf("unknown LabelPair field %d", x.num)
		}
	}
	return l, err
}

func decodeTimestamp(b []byte) (*int64, error) {
	fs, err := pbFields(b)
	var sec, nanos int64
	for _, x := range fs {
		switch x.num {
		case 1:
			sec = int64(x.u)
		case 2:
			nanos = int64(int32(x.u))
		default:
			return nil, fmt.Errorf("unknown Timestamp field %d", x.num)
		}
	}
	if nanos < 0 || nanos >= 1e9 {
		return nil, fmt.Errorf("timestamp nanos %d out of range", nanos)
	}
	ns := sec*1e9 + nanos
	return &ns, err
}

func decodeExemplar(b []byte) (*tExemplar, error) {
	e := &tExemplar{}
	fs, err := pbFields(b)
	if err != nil {
		return nil, err
	}
	for _, x := range fs {
		switch x.num {
		case 1:
			l, err := decodeLabel(x.b)
			if err != nil {
				return nil, err
			}
			e.Labels = append(e.Labels, l)
		case 2:
			if err := x.want(wireFixed64); err != nil {
				return nil, err
			}
			e.Value = x.double()
		case 3:
			if e.Timestamp, err = decodeTimestamp(x.b); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unknown Exemplar field %d", x.num)
		}
	}
	return e, nil
}

// decodeValue reads a Gauge, Counter or Untyped message into m.
func decodeValue(b []byte, m *tMetric) error {
	fs, err := pbFields(b)
	if err != nil {
		return err
	}
	for _, x := range fs {
		switch {
		case x.num == 1:
			if err := x.want(wireFixed64); err != nil {
				return err
			}
			m.Value = x.double()
		case x.num == 2 && m.Kind == 3:
			if m.Exemplar, err = decodeExemplar(x.b); err != nil {
				return err
			}
		case x.num == 3 && m.Kind == 3:
			if m.Created, err = decodeTimestamp(x.b); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown field %d in value message of Metric field %d", x.num, m.Kind)
		}
	}
	return nil
}

func decodeSummary(b []byte, m *tMetric) error {
	fs, err := pbFields(b)
	if err != nil {
		return err
	}
	for _, x := range fs {
		switch x.num {
		case 1:
			m.Count = x.u
		case 2:
			m.Sum = x.double()
		case 3:
			qs, err := pbFields(x.b)
			if err != nil {
				return err
			}
			var q prom.Quantile
			for _, y := range qs {
				switch y.num {
				case 1:
					q.Quantile = y.double()
				case 2:
					q.Value = y.double()
				default:
					return fmt.Errorf("unknown Quantile field %d", y.num)
				}
			}
			m.Quantiles = append(m.Quantiles, q)
		case 4:
			if m.Created, err = decodeTimestamp(x.b); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown Summary field %d", x.num)
		}
	}
	return nil
}

func decodeSpan(b []byte) (prom.BucketSpan, error) {
	var s prom.BucketSpan
	fs, err := pbFields(b)
	for _, x := range fs {
		switch x.num {
		case 1:
			s.Offset = int32(unzigzag(x.u))
		case 2:
			s.Length = uint32(x.u)
		default:
			return s, fmt.Errorf("unknown BucketSpan field %d", x.num)
		}
	}
	return s, err
}

// decodeDeltas reads a repeated sint64 field, packed or not.
func decodeDeltas(x pbField, to []int64) ([]int64, error) {
	if x.wire == wireVarint {
		return append(to, unzigzag(x.u)), nil
	}
	b := x.b
	for len(b) > 0 {
		u, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("bad packed varint")
		}
		to = append(to, unzigzag(u))
		b = b[n:]
	}
	if to == nil {
		to = []int64{}
	}
	return to, nil
}

func decodeHistogram(b []byte, m *tMetric) error {
	fs, err := pbFields(b)
	if err != nil {
		return err
	}
	nat := func() *tNative {
		if m.Native == nil {
			m.Native = &tNative{}
		}
		return m.Native
	}
	for _, x := range fs {
		switch x.num {
		case 1:
			m.Count = x.u
		case 2:
			m.Sum = x.double()
		case 3:
			bs, err := pbFields(x.b)
			if err != nil {
				return err
			}
			var bk tBucket
			for _, y := range bs {
				switch y.num {
				case 1:
					bk.Count = y.u
				case 2:
					bk.UpperBound = y.double()
				case 3:
					if bk.Exemplar, err = decodeExemplar(y.b); err != nil {
						return err
					}
				default:
					return fmt.Errorf("unknown Bucket field %d", y.num)
				}
			}
			m.Buckets = append(m.Buckets, bk)
		case 15:
			if m.Created, err = decodeTimestamp(x.b); err != nil {
				return err
			}
		case 5:
			nat().Schema = int32(unzigzag(x.u))
		case 6:
			nat().ZeroThreshold = x.double()
		case 7:
			nat().ZeroCount = x.u
		case 9, 12:
			s, err := decodeSpan(x.b)
			if err != nil {
				return err
			}
			if x.num == 9 {
				nat().NegativeSpans = append(nat().NegativeSpans, s)
			} else {
				nat().PositiveSpans = append(nat().PositiveSpans, s)
			}
		case 10:
			if nat().NegativeDeltas, err = decodeDeltas(x, nat().NegativeDeltas); err != nil {
				return err
			}
		case 13:
			if nat().PositiveDeltas, err = decodeDeltas(x, nat().PositiveDeltas); err != nil {
				return err
			}
		case 16:
			e, err := decodeExemplar(x.b)
			if err != nil {
				return err
			}
			nat().Exemplars = append(nat().Exemplars, *e)
		default:
			return fmt.Errorf("unknown Histogram field %d", x.num)
		}
	}
	return nil
}

func decodeMetric(b []byte) (tMetric, error) {
	var m tMetric
	fs, err := pbFields(b)
	if err != nil {
		return m, err
	}
	for _, x := range fs {
		switch x.num {
		case 1:
			l, err := decodeLabel(x.b)
			if err != nil {
				return m, err
			}
			m.Labels = append(m.Labels, l)
		case 2, 3, 4, 5, 7:
			if m.Kind != 0 {
				return m, fmt.Errorf("Metric has fields %d and %d", m.Kind, x.num)
			}
			m.Kind = x.num
			switch x.num {
			case 4:
				err = decodeSummary(x.b, &m)
			case 7:
				err = decodeHistogram(x.b, &m)
			default:
				err = decodeValue(x.b, &m)
			}
			if err != nil {
				return m, err
			}
		case 6:
			ts := int64(x.u)
			m.TimestampMs = &ts
		default:
			return m, fmt.Errorf("unknown Metric field %d", x.num)
		}
	}
	return m, nil
}
