package promhttp

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// cheapHash is a hash of "s3cret" with the fewest iterations allowed, so that tests can
// check it often.
const cheapHash = "pbkdf2-sha256$1000$c2FsdHNhbHQ$1RWAS5YYkIY9nckTZesthMF5e49TOFXt8bOwrxWRD7s"

func TestCheapHash(t *testing.T) {
	a, err := newBasicAuth(map[string]string{"u": cheapHash})
	if err != nil {
		t.Fatal(err)
	}
	if a.check(context.Background(), "u", "s3cret") != authOK {
		t.Fatal("cheapHash does not match s3cret")
	}
}

// TestBasicAuthRemembersFailures: many clients sending the same wrong password cost one
// hash, not one per request, and the hashes they cause run at most hashSlots at once.
func TestBasicAuthRemembersFailures(t *testing.T) {
	a, err := newBasicAuth(map[string]string{"prometheus": cheapHash})
	if err != nil {
		t.Fatal(err)
	}
	const clients, each = 16, 20
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				user := "prometheus"
				if c%2 == 1 {
					user = "nobody" // unknown users are remembered the same way
				}
				if r := a.check(context.Background(), user, "wrong"); r != authFailed {
					t.Errorf("wrong password: outcome %d", r)
				}
			}
		}()
	}
	wg.Wait()
	if n := a.hashes.Load(); n != 2 {
		t.Errorf("%d requests with two wrong (user, password) pairs computed %d hashes, want 2", clients*each, n)
	}
	if p, slots := a.peak.Load(), int32(hashSlots()); p > slots {
		t.Errorf("%d hashes ran at once; the limit is %d", p, slots)
	}
	if a.check(context.Background(), "prometheus", "s3cret") != authOK {
		t.Error("the right password was refused after the failures")
	}
}

// TestBasicAuthBoundsConcurrentHashes: distinct wrong passwords each cost a hash, but at most
// hashSlots run at once, at most maxWaiting requests wait, and the next gets authBusy without
// hashing. A password already accepted still gets in at once.
func TestBasicAuthBoundsConcurrentHashes(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1024)
	registerTestScheme(t, "$block$", func(hash string) (func(string) bool, error) {
		return func(password string) bool {
			if password == "open sesame" {
				return true
			}
			entered <- struct{}{}
			<-release
			return false
		}, nil
	})
	a, err := newBasicAuth(map[string]string{"u": "$block$"})
	if err != nil {
		t.Fatal(err)
	}
	if a.check(context.Background(), "u", "open sesame") != authOK {
		t.Fatal("the right password was refused")
	}
	slots := hashSlots()
	var wg sync.WaitGroup
	for i := range slots + maxWaiting {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := a.check(context.Background(), "u", "guess "+string(rune('a'+i))); r != authFailed {
				t.Errorf("guess %d: outcome %d, want failed", i, r)
			}
		}()
	}
	await(t, entered, slots, "hashes running")
	waitFor(t, "requests waiting for a hash slot", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.waiting == maxWaiting
	})
	if r := a.check(context.Background(), "u", "one guess too many"); r != authBusy {
		t.Errorf("with every slot taken and %d requests waiting: outcome %d, want busy", maxWaiting, r)
	}
	if r := a.check(context.Background(), "u", "open sesame"); r != authOK {
		t.Errorf("the remembered right password waited for a slot: outcome %d", r)
	}
	close(release)
	wg.Wait()
	if p := a.peak.Load(); p > int32(slots) {
		t.Errorf("%d hashes ran at once; the limit is %d", p, slots)
	}
}

// TestServeBasicAuthBusy: over HTTP, a request finding every hash slot and waiting place
// taken gets 429 with Retry-After.
func TestServeBasicAuthBusy(t *testing.T) {
	rec := &recorder{}
	a := &basicAuth{slots: make(chan struct{}), ok: map[string]digest{}, failed: map[digest]struct{}{}, waiting: maxWaiting}
	req, _ := http.NewRequest(http.MethodGet, "/metrics", nil)
	req.SetBasicAuth("u", "p")
	a.wrap(http.NotFoundHandler()).ServeHTTP(rec, req)
	if rec.code != http.StatusTooManyRequests || rec.h.Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q; want 429 with Retry-After", rec.code, rec.h.Get("Retry-After"))
	}
}

// recorder is the least http.ResponseWriter.
type recorder struct {
	h    http.Header
	code int
}

func (r *recorder) Header() http.Header {
	if r.h == nil {
		r.h = http.Header{}
	}
	return r.h
}
func (r *recorder) Write(p []byte) (int, error) { return len(p), nil }
func (r *recorder) WriteHeader(code int)        { r.code = code }

func TestBasicAuthIterationCap(t *testing.T) {
	for _, tt := range []struct{ hash, want string }{
		{"pbkdf2-sha256$1000001$c2FsdHNhbHQ$1RWAS5YYkIY9nckTZesthMF5e49TOFXt8bOwrxWRD7s", `iterations "1000001" must be a number from 1000 to 1000000`},
		{"pbkdf2-sha256$999$c2FsdHNhbHQ$1RWAS5YYkIY9nckTZesthMF5e49TOFXt8bOwrxWRD7s", `iterations "999"`},
	} {
		_, err := newBasicAuth(map[string]string{"u": tt.hash})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `user "u"`) {
			t.Errorf("%s: error %v, want one naming the user and %q", tt.hash, err, tt.want)
		}
	}
}

// TestRegisterPasswordScheme: a registered scheme's hashes are accepted by Serve, its
// errors name the user and the scheme, and bad registrations panic.
func TestRegisterPasswordScheme(t *testing.T) {
	registerTestScheme(t, "$plain$", func(hash string) (func(string) bool, error) {
		want, _ := strings.CutPrefix(hash, "$plain$")
		if want == "" {
			return nil, errorString("empty password")
		}
		return func(p string) bool { return p == want }, nil
	})
	checkLeaks(t)
	s := serve(t, "127.0.0.1:0", ServeOpts{BasicAuth: map[string]string{"prometheus": "$plain$s3cret"}})
	for _, tt := range []struct {
		pass string
		code int
	}{{"s3cret", 200}, {"guess", 401}} {
		if code, _, err := fetch(t, http.DefaultClient, s.URL()+"/metrics", "prometheus", tt.pass); err != nil || code != tt.code {
			t.Errorf("password %q: %d %v, want %d", tt.pass, code, err, tt.code)
		}
	}
	_, err := Serve("127.0.0.1:0", ServeOpts{BasicAuth: map[string]string{"x": "$plain$"}})
	if err == nil || !strings.Contains(err.Error(), `user "x" (scheme "$plain$"): empty password`) {
		t.Errorf("error %v", err)
	}
	for _, prefix := range []string{"", "pbkdf2", "pbkdf2-sha256$", "$plain$"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterPasswordScheme(%q) did not panic", prefix)
				}
			}()
			RegisterPasswordScheme(prefix, nil)
		}()
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// registerTestScheme registers a scheme for the test, and removes it after.
func registerTestScheme(t *testing.T, prefix string, parse func(string) (func(string) bool, error)) {
	RegisterPasswordScheme(prefix, parse)
	t.Cleanup(func() {
		schemesMu.Lock()
		delete(schemes, prefix)
		schemesMu.Unlock()
	})
}

// waitFor polls cond until it holds, failing the test when it does not within waitBound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, waitBound)
		}
		time.Sleep(time.Millisecond)
	}
}
