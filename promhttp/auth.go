package promhttp

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The password hash format: pbkdf2-sha256$<iterations>$<salt>$<key>, salt and key in unpadded
// standard base64. It is Django's format and needs nothing outside the standard library.
const (
	hashScheme     = "pbkdf2-sha256"
	hashIterations = 100_000
	hashKeyLen     = 32
	// maxIterations caps the iterations of a hash in ServeOpts.BasicAuth, and so the CPU a
	// single password check costs: about 0.2 s at 1,000,000.
	maxIterations = 1_000_000
)

// HashPassword returns a hash of password for ServeOpts.BasicAuth: PBKDF2 with SHA-256, a
// random 16-byte salt and 100,000 iterations, written as
// "pbkdf2-sha256$100000$<salt>$<key>" (base64, unpadded). It costs the time of one check,
// tens of milliseconds of CPU. The command "prom hash-password" makes one from standard input, and so
// can this, without Go:
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

func parseHash(s string) (*passwordHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != hashScheme {
		return nil, fmt.Errorf("not a %s hash nor one of a scheme registered with RegisterPasswordScheme", hashScheme)
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1000 || iter > maxIterations {
		return nil, fmt.Errorf("iterations %q must be a number from 1000 to %d", parts[1], maxIterations)
	}
	dec := func(x string) ([]byte, error) { return base64.RawStdEncoding.DecodeString(strings.TrimRight(x, "=")) }
	salt, err := dec(parts[2])
	if err != nil || len(salt) < 8 {
		return nil, errors.New("the salt must be base64 of at least 8 bytes")
	}
	key, err := dec(parts[3])
	if err != nil || len(key) < 16 {
		return nil, errors.New("the key must be base64 of at least 16 bytes")
	}
	return &passwordHash{iter: iter, salt: salt, key: key}, nil
}

func (h *passwordHash) matches(password string) bool {
	k, err := pbkdf2.Key(sha256.New, password, h.salt, h.iter, len(h.key))
	return err == nil && subtle.ConstantTimeCompare(k, h.key) == 1
}

// schemes are the password hash schemes registered with RegisterPasswordScheme, by prefix.
var (
	schemesMu sync.RWMutex
	schemes   = map[string]func(hash string) (func(password string) bool, error){}
)

// RegisterPasswordScheme makes ServeOpts.BasicAuth accept the hashes that start with prefix,
// such as "$2b$": parse checks such a hash and returns the function that checks a password
// against it. Call it from an init function, as package github.com/prom-go/prom/bcrypt does
// for the bcrypt hashes of Prometheus's exporter-toolkit web config, so that a blank import
// is enough. parse should refuse hashes whose check costs more than about a second of CPU:
// the server runs a few checks at once, but each to its end.
//
// It panics when prefix is empty, starts the built-in "pbkdf2-sha256$", or is registered
// already.
func RegisterPasswordScheme(prefix string, parse func(hash string) (check func(password string) bool, err error)) {
	schemesMu.Lock()
	defer schemesMu.Unlock()
	if prefix == "" || strings.HasPrefix(hashScheme+"$", prefix) || strings.HasPrefix(prefix, hashScheme+"$") {
		panic(fmt.Sprintf("promhttp: RegisterPasswordScheme: prefix %q is empty or overlaps the built-in %s$", prefix, hashScheme))
	}
	if schemes[prefix] != nil {
		panic(fmt.Sprintf("promhttp: RegisterPasswordScheme: prefix %q is registered twice", prefix))
	}
	schemes[prefix] = parse
}

// parseChecker returns the password check of a user's hash, of the built-in scheme or of a
// registered one.
func parseChecker(user, hash string) (func(string) bool, error) {
	schemesMu.RLock()
	var parse func(string) (func(string) bool, error)
	best := ""
	for p, f := range schemes {
		if strings.HasPrefix(hash, p) && len(p) > len(best) {
			best, parse = p, f
		}
	}
	schemesMu.RUnlock()
	if parse != nil {
		check, err := parse(hash)
		if err != nil {
			return nil, fmt.Errorf("promhttp: BasicAuth password hash of user %q (scheme %q): %w", user, best, err)
		}
		return check, nil
	}
	h, err := parseHash(hash)
	if err != nil {
		return nil, fmt.Errorf("promhttp: BasicAuth password hash of user %q: %w; want %s$<iterations>$<salt>$<key> as HashPassword makes", user, err, hashScheme)
	}
	return h.matches, nil
}

// The bounds of the hashing work unauthenticated clients can cause.
const (
	// failedKept is how many failed (user, password) pairs are remembered, and refused again
	// without hashing.
	failedKept = 256
	// maxWaiting is how many requests may wait for a hashing slot; more get 429 at once.
	maxWaiting = 64
)

// hashSlots is how many password hashes are computed at once: a quarter of the CPUs, at
// least one, so that failing clients leave the others to scrapes.
func hashSlots() int { return max(1, runtime.GOMAXPROCS(0)/4) }

// digest is a keyed SHA-256 of a user and password: what the caches remember instead of
// the password.
type digest [sha256.Size]byte

// basicAuth checks HTTP basic credentials. Checking a password against its hash costs
// milliseconds of CPU by design, so the work is bounded: the last password accepted for each
// user, and the last failedKept pairs refused, are remembered (as keyed digests) and answered
// again without hashing; at most hashSlots hashes run at once, and at most maxWaiting
// requests wait for a slot, the others getting 429.
type basicAuth struct {
	users map[string]func(string) bool
	dummy func(string) bool // checked for unknown users, so they take as long as known ones
	key   [32]byte          // of the digests
	slots chan struct{}

	mu      sync.Mutex
	ok      map[string]digest
	failed  map[digest]struct{}
	ring    []digest // failed, oldest first from next
	next    int
	waiting int

	hashes atomic.Int64 // hashes computed, for tests
	busy   atomic.Int32 // hashes under way
	peak   atomic.Int32 // the most hashes under way at once, for tests
}

func newBasicAuth(users map[string]string) (*basicAuth, error) {
	a := &basicAuth{
		users:  make(map[string]func(string) bool, len(users)),
		slots:  make(chan struct{}, hashSlots()),
		ok:     make(map[string]digest),
		failed: make(map[digest]struct{}),
	}
	if _, err := rand.Read(a.key[:]); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	sort.Strings(names)
	for _, u := range names {
		check, err := parseChecker(u, users[u])
		if err != nil {
			return nil, err
		}
		a.users[u] = check
		if a.dummy == nil {
			a.dummy = check
		}
	}
	return a, nil
}

func (a *basicAuth) digest(user, password string) digest {
	m := hmac.New(sha256.New, a.key[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(user)))
	m.Write(n[:])
	m.Write([]byte(user))
	m.Write([]byte(password))
	var d digest
	m.Sum(d[:0])
	return d
}

// The outcomes of a check.
const (
	authOK = iota
	authFailed
	authBusy // too many checks waiting, or the request ended while waiting
)

// remembered answers from the caches: authOK, authFailed, or -1 when the pair is unknown.
// a.mu is held.
func (a *basicAuth) remembered(user string, d digest) int {
	if last, ok := a.ok[user]; ok && subtle.ConstantTimeCompare(d[:], last[:]) == 1 {
		return authOK
	}
	if _, ok := a.failed[d]; ok {
		return authFailed
	}
	return -1
}

func (a *basicAuth) check(ctx context.Context, user, password string) int {
	d := a.digest(user, password)
	a.mu.Lock()
	if r := a.remembered(user, d); r >= 0 {
		a.mu.Unlock()
		return r
	}
	if a.waiting >= maxWaiting {
		a.mu.Unlock()
		return authBusy
	}
	a.waiting++
	a.mu.Unlock()

	select {
	case a.slots <- struct{}{}:
	case <-ctx.Done():
		a.mu.Lock()
		a.waiting--
		a.mu.Unlock()
		return authBusy
	}
	defer func() { <-a.slots }()
	a.mu.Lock()
	a.waiting--
	// Another request may have checked the same pair while this one waited.
	r := a.remembered(user, d)
	a.mu.Unlock()
	if r >= 0 {
		return r
	}

	n := a.busy.Add(1)
	for p := a.peak.Load(); n > p && !a.peak.CompareAndSwap(p, n); p = a.peak.Load() {
	}
	a.hashes.Add(1)
	check, known := a.users[user]
	ok := false
	if known {
		ok = check(password)
	} else {
		a.dummy(password)
	}
	a.busy.Add(-1)

	a.mu.Lock()
	defer a.mu.Unlock()
	if ok {
		a.ok[user] = d
		return authOK
	}
	if len(a.ring) < failedKept {
		a.ring = append(a.ring, d)
	} else {
		delete(a.failed, a.ring[a.next])
		a.ring[a.next] = d
		a.next = (a.next + 1) % failedKept
	}
	a.failed[d] = struct{}{}
	return authFailed
}

func (a *basicAuth) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		res := authFailed
		if ok {
			res = a.check(r.Context(), user, password)
		}
		switch res {
		case authOK:
			next.ServeHTTP(w, r)
		case authBusy:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many password checks under way; retry later", http.StatusTooManyRequests)
		default:
			w.Header().Set("WWW-Authenticate", `Basic realm="metrics", charset="UTF-8"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
		}
	})
}
