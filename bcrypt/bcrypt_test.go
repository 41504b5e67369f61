package bcrypt

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
	xbcrypt "golang.org/x/crypto/bcrypt"
)

// cheap returns a bcrypt hash of password at the lowest cost, with the given prefix.
func cheap(t *testing.T, prefix, password string) string {
	t.Helper()
	h, err := Hash(password, xbcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return prefix + strings.TrimPrefix(h, "$2a$")
}

func serve(t *testing.T, users map[string]string) *promhttp.Server {
	t.Helper()
	s, err := promhttp.Serve("127.0.0.1:0", promhttp.ServeOpts{Handler: promhttp.Handler(prom.NewRegistry()), BasicAuth: users})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return s
}

func status(t *testing.T, url, user, password string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeBcrypt: the three bcrypt prefixes exporter-toolkit's web configurations hold are
// checked by promhttp.Serve.
func TestServeBcrypt(t *testing.T) {
	users := map[string]string{}
	for _, p := range []string{"$2a$", "$2b$", "$2y$"} {
		users["user"+p] = cheap(t, p, "pw"+p)
	}
	s := serve(t, users)
	for _, p := range []string{"$2a$", "$2b$", "$2y$"} {
		if code := status(t, s.URL()+"/metrics", "user"+p, "pw"+p); code != 200 {
			t.Errorf("%s, right password: %d", p, code)
		}
		if code := status(t, s.URL()+"/metrics", "user"+p, "wrong"); code != 401 {
			t.Errorf("%s, wrong password: %d", p, code)
		}
	}
}

func TestBcryptHashErrors(t *testing.T) {
	ok := cheap(t, "$2a$", "x")
	for _, tt := range []struct{ hash, want string }{
		{"$2a$15$" + ok[len("$2a$04$"):], "bcrypt cost 15 is above 14"},
		{"$2a$10$short", "not a bcrypt hash"},
		{"$2y$xx$" + ok[len("$2a$04$"):], "not a bcrypt hash"},
	} {
		_, err := promhttp.Serve("127.0.0.1:0", promhttp.ServeOpts{BasicAuth: map[string]string{"u": tt.hash}})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `user "u"`) {
			t.Errorf("%s: error %v, want one naming the user and saying %q", tt.hash, err, tt.want)
		}
	}
	for _, cost := range []int{3, MaxCost + 1} {
		if _, err := Hash("x", cost); err == nil {
			t.Errorf("Hash at cost %d: no error", cost)
		}
	}
	if _, err := Hash(strings.Repeat("x", 73), xbcrypt.MinCost); err == nil {
		t.Error("Hash of a 73-byte password: no error")
	}
}
