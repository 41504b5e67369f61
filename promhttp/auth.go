package promhttp

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// The password hash format: pbkdf2-sha256$<iterations>$<salt>$<key>, salt and key in unpadded
// standard base64. It is Django's format and needs nothing outside the standard library.
const (
	hashScheme     = "pbkdf2-sha256"
	hashIterations = 100_000
	hashKeyLen     = 32
)

// HashPassword returns a hash of password for ServeOpts.BasicAuth: PBKDF2 with SHA-256, a
// random 16-byte salt and 100,000 iterations, written as
// "pbkdf2-sha256$100000$<salt>$<key>" (base64, unpadded). The same hash can be made without
// Go:
//
//	python3 -c 'import hashlib,os,base64,sys; s=os.urandom(16); b=lambda x: base64.b64encode(x).decode().rstrip("=");
//	  print("pbkdf2-sha256$100000$"+b(s)+"$"+b(hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), s, 100000)))' PASSWORD
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, hashIterations, hashKeyLen)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("%s$%d$%s$%s", hashScheme, hashIterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

type passwordHash struct {
	iter      int
	salt, key []byte
}

func parseHash(user, s string) (*passwordHash, error) {
	parts := strings.Split(s, "$")
	bad := func(why string) error {
		return fmt.Errorf("promhttp: BasicAuth password hash of user %q: %s; want %s$<iterations>$<salt>$<key> as HashPassword makes", user, why, hashScheme)
	}
	if len(parts) != 4 || parts[0] != hashScheme {
		return nil, bad("not a " + hashScheme + " hash")
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1000 {
		return nil, bad("iterations must be a number of at least 1000")
	}
	dec := func(x string) ([]byte, error) { return base64.RawStdEncoding.DecodeString(strings.TrimRight(x, "=")) }
	salt, err := dec(parts[2])
	if err != nil || len(salt) < 8 {
		return nil, bad("the salt must be base64 of at least 8 bytes")
	}
	key, err := dec(parts[3])
	if err != nil || len(key) < 16 {
		return nil, bad("the key must be base64 of at least 16 bytes")
	}
	return &passwordHash{iter: iter, salt: salt, key: key}, nil
}

func (h *passwordHash) matches(password string) bool {
	k, err := pbkdf2.Key(sha256.New, password, h.salt, h.iter, len(h.key))
	return err == nil && subtle.ConstantTimeCompare(k, h.key) == 1
}

// basicAuth checks HTTP basic credentials. Deriving a key costs milliseconds by design, so
// the SHA-256 of the last password accepted for each user is remembered, and a scraper
// presenting it again is let in after a constant-time comparison of that digest.
type basicAuth struct {
	users map[string]*passwordHash
	dummy *passwordHash // checked for unknown users, so they take as long as known ones
	mu    sync.Mutex
	ok    map[string][sha256.Size]byte
}

func newBasicAuth(users map[string]string) (*basicAuth, error) {
	a := &basicAuth{users: make(map[string]*passwordHash, len(users)), ok: make(map[string][sha256.Size]byte)}
	for u, s := range users {
		h, err := parseHash(u, s)
		if err != nil {
			return nil, err
		}
		a.users[u] = h
		if a.dummy == nil || h.iter > a.dummy.iter {
			a.dummy = h
		}
	}
	return a, nil
}

func (a *basicAuth) check(user, password string) bool {
	h, known := a.users[user]
	sum := sha256.Sum256([]byte(password))
	a.mu.Lock()
	last, cached := a.ok[user]
	a.mu.Unlock()
	if known && cached && subtle.ConstantTimeCompare(sum[:], last[:]) == 1 {
		return true
	}
	if !known {
		a.dummy.matches(password)
		return false
	}
	if !h.matches(password) {
		return false
	}
	a.mu.Lock()
	a.ok[user] = sum
	a.mu.Unlock()
	return true
}

func (a *basicAuth) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		if !ok || !a.check(user, password) {
			w.Header().Set("WWW-Authenticate", `Basic realm="metrics", charset="UTF-8"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
