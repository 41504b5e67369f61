package integration

// The graphite bridge against a real carbon-cache (Debian's graphite-carbon): the values it
// pushes over TCP and UDP, with labels folded into paths or as tags, land in whisper files and
// are read back with whisper-fetch.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/graphite"
	"github.com/prom-go/prom/internal/testnet"
)

// carbon is a carbon-cache started for one test.
type carbon struct {
	whisperDir string
	tcpAddr    string // line receiver
	udpAddr    string // UDP line receiver
}

// startCarbon starts carbon-cache in the foreground with its own configuration, data and
// ports, storing every metric at one-second resolution.
func startCarbon(t *testing.T) *carbon {
	t.Helper()
	bin := requireBinary(t, "carbon-cache")
	requireBinary(t, "whisper-fetch")
	dir := t.TempDir()
	c := &carbon{whisperDir: filepath.Join(dir, "storage", "whisper") + "/"}
	linePort, udpPort := testnet.FreePort(t), freeUDPPort(t)
	c.tcpAddr = fmt.Sprintf("127.0.0.1:%d", linePort)
	c.udpAddr = fmt.Sprintf("127.0.0.1:%d", udpPort)
	conf := fmt.Sprintf(`[cache]
STORAGE_DIR = %[1]s/storage/
LOCAL_DATA_DIR = %[2]s
WHISPER_DIR = %[2]s
CONF_DIR = %[1]s/
LOG_DIR = %[1]s/log/
PID_DIR = %[1]s/
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = 10000
MAX_CREATES_PER_MINUTE = 10000
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = %[3]d
ENABLE_UDP_LISTENER = True
UDP_RECEIVER_INTERFACE = 127.0.0.1
UDP_RECEIVER_PORT = %[4]d
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = %[5]d
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = %[6]d
# No graphite-web: tagged series are stored, registering their tags fails (logged only).
GRAPHITE_URL = http://127.0.0.1:%[7]d
LOG_CREATES = True
`, dir, c.whisperDir, linePort, udpPort, testnet.FreePort(t), testnet.FreePort(t), testnet.FreePort(t))
	confPath := writeFile(t, dir, "carbon.conf", conf)
	writeFile(t, dir, "storage-schemas.conf", "[default]\npattern = .*\nretentions = 1s:1h\n")
	p := startProcess(t, exec.Command(bin, "--config="+confPath, "--pidfile="+filepath.Join(dir, "carbon.pid"),
		"--nodaemon", "--debug", "start"))
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", c.tcpAddr, time.Second)
		if err == nil {
			conn.Close()
			break
		}
		if p.exited() || time.Now().After(deadline) {
			t.Fatalf("carbon-cache does not listen on %s: %v\n%s", c.tcpAddr, err, tail(p.out.String(), 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c
}

// freeUDPPort returns a loopback UDP port that was free a moment ago.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port
}

// whisperFile returns the file carbon stores metric in: its path with dots as directories,
// or for a tagged series (name;tag=value...) _tagged/<3 hex>/<3 hex>/<sha256>.wsp, the hash
// taken over the name with its tags sorted (carbon's default TAG_HASH_FILENAMES).
func (c *carbon) whisperFile(metric string) string {
	if name, tags, ok := strings.Cut(metric, ";"); ok {
		parts := strings.Split(tags, ";")
		sort.Strings(parts)
		sum := sha256.Sum256([]byte(name + ";" + strings.Join(parts, ";")))
		h := hex.EncodeToString(sum[:])
		return filepath.Join(c.whisperDir, "_tagged", h[:3], h[3:6], h+".wsp")
	}
	return filepath.Join(c.whisperDir, strings.ReplaceAll(metric, ".", "/")+".wsp")
}

// waitValue waits until metric's whisper file holds a point and returns the last one's value,
// read with whisper-fetch.
func (c *carbon) waitValue(t *testing.T, metric string) float64 {
	t.Helper()
	file := c.whisperFile(metric)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(file); err == nil {
			out, err := exec.Command("whisper-fetch", "--drop=nulls", "--from="+strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10), file).CombinedOutput()
			if err != nil {
				t.Fatalf("whisper-fetch %s: %v\n%s", file, err, out)
			}
			lines := strings.Fields(strings.TrimSpace(string(out)))
			if len(lines) >= 2 {
				v, err := strconv.ParseFloat(lines[len(lines)-1], 64)
				if err != nil {
					t.Fatalf("whisper-fetch output %q", out)
				}
				return v
			}
		}
		if time.Now().After(deadline) {
			var files []string
			filepath.Walk(c.whisperDir, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					files = append(files, strings.TrimPrefix(p, c.whisperDir))
				}
				return nil
			})
			t.Fatalf("no point for %s in %s after 30s; whisper files: %v", metric, file, files)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestCarbonBridge(t *testing.T) {
	c := startCarbon(t)
	reg := prom.NewRegistry()
	reg.SetCreatedSeries(false)
	o := prom.Opts{Registry: reg}
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests.", []string{"method", "path"}, o))
	requests.With("GET", "/api/v1").Add(1027)
	prom.Must(prom.NewGauge("temperature_celsius", "Temperature.", o)).Set(21.5)
	h := prom.Must(prom.NewHistogram("latency_seconds", "Latency.", prom.Opts{Registry: reg, Buckets: []float64{0.25}}))
	h.Observe(0.1)
	h.Observe(0.5)

	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		bridge *graphite.Bridge
		want   map[string]float64
	}{
		{"tcp folded", &graphite.Bridge{Addr: c.tcpAddr, Registry: reg, Prefix: "prom.tcp"}, map[string]float64{
			"prom.tcp.http_requests_total.method.GET.path._api_v1": 1027,
			"prom.tcp.temperature_celsius":                         21.5,
			"prom.tcp.latency_seconds_bucket.le.0_25":              1,
			"prom.tcp.latency_seconds_bucket.le._Inf":              2,
			"prom.tcp.latency_seconds_count":                       2,
			"prom.tcp.latency_seconds_sum":                         0.6,
		}},
		{"udp folded", &graphite.Bridge{Addr: c.udpAddr, Network: "udp", Registry: reg, Prefix: "prom.udp"}, map[string]float64{
			"prom.udp.temperature_celsius":   21.5,
			"prom.udp.latency_seconds_count": 2,
		}},
		{"tcp tags", &graphite.Bridge{Addr: c.tcpAddr, Registry: reg, Prefix: "prom.tagged", Tags: true}, map[string]float64{
			"prom.tagged.http_requests_total;method=GET;path=/api/v1": 1027,
			"prom.tagged.latency_seconds_bucket;le=0.25":              1,
			"prom.tagged.latency_seconds_bucket;le=+Inf":              2,
			"prom.tagged.temperature_celsius":                         21.5,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.bridge.Push(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tt.bridge.Stop(); err != nil { // a second push, then close
				t.Fatal(err)
			}
			for metric, want := range tt.want {
				if got := c.waitValue(t, metric); got != want {
					t.Errorf("%s = %v in whisper, want %v", metric, got, want)
				}
			}
		})
	}
}

// TestCarbonBridgePeriodic runs the bridge between Start and Stop: the periodic pushes carry
// each new value, and a bridge whose interval never comes still delivers its final push.
func TestCarbonBridgePeriodic(t *testing.T) {
	c := startCarbon(t)
	reg := prom.NewRegistry()
	g := prom.Must(prom.NewGauge("progress_ratio", "Progress.", prom.Opts{Registry: reg}))
	g.Set(0.25)
	b := &graphite.Bridge{Addr: c.tcpAddr, Registry: reg, Prefix: "periodic", Interval: 100 * time.Millisecond}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if got := c.waitValue(t, "periodic.progress_ratio"); got != 0.25 {
		t.Fatalf("periodic push stored %v, want 0.25", got)
	}
	g.Set(0.5)
	c.waitFor(t, "periodic.progress_ratio", 0.5)
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}

	// An interval of an hour: only Stop's final push sends anything within the test.
	g.Set(0.75)
	final := &graphite.Bridge{Addr: c.tcpAddr, Registry: reg, Prefix: "final", Interval: time.Hour}
	if err := final.Start(); err != nil {
		t.Fatal(err)
	}
	if err := final.Stop(); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "final.progress_ratio", 0.75)
}

// waitFor waits until the last point of metric is want.
func (c *carbon) waitFor(t *testing.T, metric string, want float64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := c.waitValue(t, metric)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is %v after 30s, want %v", metric, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
