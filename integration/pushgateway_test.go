package integration

// Round trips through a real Pushgateway (Debian's prometheus-pushgateway): what push sends is
// read back from the gateway's JSON API, /api/v1/metrics.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testnet"
	"github.com/prom-go/prom/push"
)

// startPushgateway starts a Pushgateway on a free loopback port, without persistence, and
// returns its base URL.
func startPushgateway(t *testing.T) string {
	t.Helper()
	bin := requireBinary(t, "prometheus-pushgateway")
	addr := testnet.FreeAddr(t)
	p := startProcess(t, exec.Command(bin, "--web.listen-address="+addr,
		"--persistence.file=")) // Debian's default file would keep groups across tests and runs
	base := "http://" + addr
	p.waitReady(t, base+"/-/ready")
	return base
}

// pgGroup is one group as the gateway's API shows it: its labels and its families, each
// family's series as "labels value" strings (the labels sorted, the group's included).
type pgGroup struct {
	labels   map[string]string
	families map[string]pgFamily
}

type pgFamily struct {
	Type    string
	Help    string
	Metrics []struct {
		Labels  map[string]string `json:"labels"`
		Value   string            `json:"value"`
		Count   string            `json:"count"`
		Sum     string            `json:"sum"`
		Buckets map[string]string `json:"buckets"`
	}
}

// pgGroups reads every group from the gateway's API.
func pgGroups(t *testing.T, base string) []pgGroup {
	t.Helper()
	body, _ := httpGet(t, base+"/api/v1/metrics")
	var resp struct {
		Status string                       `json:"status"`
		Data   []map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || resp.Status != "success" {
		t.Fatalf("decoding /api/v1/metrics: %v\n%s", err, body)
	}
	var groups []pgGroup
	for _, d := range resp.Data {
		g := pgGroup{families: map[string]pgFamily{}}
		for k, raw := range d {
			switch k {
			case "labels":
				json.Unmarshal(raw, &g.labels)
			case "last_push_successful", "push_time_seconds", "push_failure_time_seconds":
			default:
				var f pgFamily
				if err := json.Unmarshal(raw, &f); err != nil {
					t.Fatalf("decoding family %s: %v\n%s", k, err, raw)
				}
				g.families[k] = f
			}
		}
		groups = append(groups, g)
	}
	return groups
}

// pgGroupOf returns the group whose key is exactly the given labels (job and grouping), or
// nil.
func pgGroupOf(t *testing.T, base string, labels map[string]string) *pgGroup {
	t.Helper()
	for _, g := range pgGroups(t, base) {
		if reflect.DeepEqual(g.labels, labels) {
			return &g
		}
	}
	return nil
}

// values returns family name → "value" of its single series, for a quick comparison.
func (g *pgGroup) values() map[string]string {
	m := map[string]string{}
	for name, f := range g.families {
		for _, s := range f.Metrics {
			v := s.Value
			if f.Type == "HISTOGRAM" || f.Type == "SUMMARY" {
				v = s.Count + "/" + s.Sum
			}
			m[name] = f.Type + " " + v
		}
	}
	return m
}

func TestPushgatewayPushAddDelete(t *testing.T) {
	base := startPushgateway(t)
	ctx := context.Background()
	for _, variant := range []struct {
		name       string
		text, gzip bool
	}{{"protobuf", false, false}, {"protobuf+gzip", false, true}, {"text", true, false}, {"text+gzip", true, true}} {
		t.Run(variant.name, func(t *testing.T) {
			grouping := map[string]string{"variant": strings.ReplaceAll(variant.name, "+", "_"), "dir": "/var/tmp/x", "empty": ""}
			p := &push.Pusher{URL: base, Job: "batch", Grouping: grouping, Text: variant.text, Gzip: variant.gzip}
			key := map[string]string{"job": "batch"}
			for k, v := range grouping {
				key[k] = v
			}

			reg := prom.NewRegistry()
			rows := prom.Must(prom.NewCounter("batch_rows_total", "Rows processed.", prom.Opts{Registry: reg}))
			rows.Add(3)
			last := prom.Must(prom.NewGauge("batch_last_run_seconds", "Last run.", prom.Opts{Registry: reg}))
			last.Set(1700.5)
			h := prom.Must(prom.NewHistogram("batch_duration_seconds", "Duration.", prom.Opts{Registry: reg, Buckets: []float64{1, 10}}))
			h.Observe(2)
			if err := p.Push(ctx, reg); err != nil {
				t.Fatal(err)
			}
			g := pgGroupOf(t, base, key)
			if g == nil {
				t.Fatalf("no group %v after Push; groups: %v", key, pgGroups(t, base))
			}
			want := map[string]string{
				"batch_rows_total":       "COUNTER 3",
				"batch_last_run_seconds": "GAUGE 1700.5",
				"batch_duration_seconds": "HISTOGRAM 1/2",
			}
			if got := g.values(); !reflect.DeepEqual(got, want) {
				t.Errorf("after Push: %v, want %v", got, want)
			}
			if b := g.families["batch_duration_seconds"].Metrics[0].Buckets; b["1"] != "0" || b["10"] != "1" {
				t.Errorf("histogram buckets %v", b)
			}
			if help := g.families["batch_rows_total"].Help; help != "Rows processed." {
				t.Errorf("help %q", help)
			}

			// Add replaces only the families it carries.
			reg2 := prom.NewRegistry()
			prom.Must(prom.NewGauge("batch_last_run_seconds", "Last run.", prom.Opts{Registry: reg2})).Set(1800.25)
			prom.Must(prom.NewGauge("batch_stage", "Stage.", prom.Opts{Registry: reg2})).Set(2)
			if err := p.Add(ctx, reg2); err != nil {
				t.Fatal(err)
			}
			want["batch_last_run_seconds"] = "GAUGE 1800.25"
			want["batch_stage"] = "GAUGE 2"
			if got := pgGroupOf(t, base, key).values(); !reflect.DeepEqual(got, want) {
				t.Errorf("after Add: %v, want %v", got, want)
			}

			// Push replaces the whole group.
			if err := p.Push(ctx, reg2); err != nil {
				t.Fatal(err)
			}
			want = map[string]string{"batch_last_run_seconds": "GAUGE 1800.25", "batch_stage": "GAUGE 2"}
			if got := pgGroupOf(t, base, key).values(); !reflect.DeepEqual(got, want) {
				t.Errorf("after the second Push: %v, want %v", got, want)
			}

			if err := p.Delete(ctx); err != nil {
				t.Fatal(err)
			}
			// The Pushgateway answers a DELETE with 202 Accepted and removes the group from
			// its store asynchronously, unlike a push, which it applies before answering: wait
			// for the group to go.
			deadline := time.Now().Add(30 * time.Second)
			for g := pgGroupOf(t, base, key); g != nil; g = pgGroupOf(t, base, key) {
				if time.Now().After(deadline) {
					t.Fatalf("group %v still there 30 s after Delete: %v", key, g.values())
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestPushgatewayGroupingValues pushes to groups whose job and grouping values need the
// @base64 form, and reads each value back exactly.
func TestPushgatewayGroupingValues(t *testing.T) {
	base := startPushgateway(t)
	values := []string{"a/b", "/", "", ".", "..", "a b", "ü€", "x=y&z?#", "@base64", "plain-v1.2_~", "%2F", "a\\b", "ab", "abc", "abcd"}
	for i, v := range values {
		job := "job/" + v
		reg := prom.NewRegistry()
		prom.Must(prom.NewGauge("grouping_case", "Case number.", prom.Opts{Registry: reg})).Set(float64(i))
		p := &push.Pusher{URL: base, Job: job, Grouping: map[string]string{"v": v}}
		if err := p.Push(context.Background(), reg); err != nil {
			t.Fatalf("value %q: %v", v, err)
		}
		g := pgGroupOf(t, base, map[string]string{"job": job, "v": v})
		if g == nil {
			t.Errorf("value %q: no group with job %q and v %q; groups: %v", v, job, v, pgGroups(t, base))
			continue
		}
		if got := g.values()["grouping_case"]; got != fmt.Sprintf("GAUGE %d", i) {
			t.Errorf("value %q: %s", v, got)
		}
	}
}

// TestPushgatewayRejectsTypeConflict pushes a gauge whose name another group holds as a
// counter: the gateway refuses it, and its explanation reaches the caller.
func TestPushgatewayRejectsTypeConflict(t *testing.T) {
	base := startPushgateway(t)
	ctx := context.Background()
	reg := prom.NewRegistry()
	prom.Must(prom.NewCounter("conflicting", "A counter.", prom.Opts{Registry: reg})).Inc()
	if err := (&push.Pusher{URL: base, Job: "a"}).Push(ctx, reg); err != nil {
		t.Fatal(err)
	}
	reg2 := prom.NewRegistry()
	prom.Must(prom.NewGauge("conflicting_total", "A gauge.", prom.Opts{Registry: reg2})).Set(1)
	err := (&push.Pusher{URL: base, Job: "b"}).Push(ctx, reg2)
	var pe *push.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want *push.Error", err, err)
	}
	if pe.StatusCode != 400 || !strings.Contains(pe.Body, "inconsistent with existing metrics") ||
		!strings.Contains(pe.Body, `"conflicting_total"`) {
		t.Errorf("status %d, body %q; want 400 and the gateway's explanation", pe.StatusCode, pe.Body)
	}
	if !strings.Contains(err.Error(), pe.Body) {
		t.Errorf("message %q does not include the gateway's explanation", err)
	}
	if g := pgGroupOf(t, base, map[string]string{"job": "b"}); g != nil && len(g.families) > 0 {
		t.Errorf("the rejected push left families: %v", g.values())
	}
}

// TestPushgatewayCommand pushes a file with "prom push" and deletes the group again.
func TestPushgatewayCommand(t *testing.T) {
	base := startPushgateway(t)
	bin := demoBinary(t)
	file := writeFile(t, t.TempDir(), "m.prom", "# TYPE cli_rows_total counter\ncli_rows_total{table=\"a\"} 5\n# TYPE cli_temp gauge\ncli_temp 1.5\n")
	key := map[string]string{"job": "cli", "dir": "/srv"}
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"push", "--gateway", base, "--job", "cli", "--grouping", "dir=/srv"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("prom push %v: %v\n%s", args, err, out)
		}
	}
	run(filepath.Clean(file))
	g := pgGroupOf(t, base, key)
	if g == nil {
		t.Fatalf("no group %v; groups %v", key, pgGroups(t, base))
	}
	if got, want := g.values(), map[string]string{"cli_rows_total": "COUNTER 5", "cli_temp": "GAUGE 1.5"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pushed %v, want %v", got, want)
	}
	run("--delete")
	if g := pgGroupOf(t, base, key); g != nil {
		t.Errorf("group still there after prom push --delete")
	}
}
