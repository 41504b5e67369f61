// Package bcrypt lets promhttp.Serve check the bcrypt password hashes that Prometheus's
// exporter-toolkit web configuration uses (basic_auth_users: user → "$2y$10$…"), so that an
// exporter moving to prom keeps its users file. Import it for its side effect:
//
//	import _ "github.com/prom-go/prom/bcrypt"
//
//	srv, err := promhttp.Serve(":9100", promhttp.ServeOpts{
//		BasicAuth: map[string]string{"prometheus": "$2y$10$…"}, // from htpasswd -B, or prom-bcrypt
//	})
//
// Its init registers the "$2a$", "$2b$" and "$2y$" prefixes with
// promhttp.RegisterPasswordScheme. A check costs what the hash's cost says, doubling with
// each step: tens of milliseconds at cost 10 on a current CPU. Costs above MaxCost are refused, and the
// server bounds the checks unauthenticated clients can cause as for its own hashes (see
// package promhttp).
//
// It is a module of its own because it needs golang.org/x/crypto, and prom's root module
// requires no module. The command prom-bcrypt (in cmd/prom-bcrypt) makes such hashes.
package bcrypt

import (
	"fmt"

	"github.com/prom-go/prom/promhttp"
	"golang.org/x/crypto/bcrypt"
)

// MaxCost is the highest bcrypt cost accepted in ServeOpts.BasicAuth: one check at cost 14
// takes about a second of CPU, and each step doubles it.
const MaxCost = 14

// DefaultCost is the cost Hash uses when given 0, that of exporter-toolkit's documentation.
const DefaultCost = 10

func init() {
	for _, prefix := range []string{"$2a$", "$2b$", "$2y$"} {
		promhttp.RegisterPasswordScheme(prefix, parse)
	}
}

// parse checks a bcrypt hash and returns the check of a password against it.
func parse(hash string) (func(password string) bool, error) {
	h := []byte(hash)
	cost, err := bcrypt.Cost(h)
	if err != nil {
		return nil, fmt.Errorf("not a bcrypt hash: %w", err)
	}
	if cost > MaxCost {
		return nil, fmt.Errorf("bcrypt cost %d is above %d, the most a check may cost (about a second); make the hash again with a lower cost", cost, MaxCost)
	}
	// CompareHashAndPassword checks the rest of the hash; a malformed one never matches.
	if err := bcrypt.CompareHashAndPassword(h, nil); err != nil && err != bcrypt.ErrMismatchedHashAndPassword {
		return nil, fmt.Errorf("not a bcrypt hash: %w", err)
	}
	return func(password string) bool {
		return bcrypt.CompareHashAndPassword(h, []byte(password)) == nil
	}, nil
}

// Hash returns a "$2a$" bcrypt hash of password at cost, for ServeOpts.BasicAuth or an
// exporter-toolkit web configuration; cost 0 means DefaultCost. It takes as long as a check,
// and fails for a password longer than 72 bytes, bcrypt's limit, or a cost outside 4 to
// MaxCost.
func Hash(password string, cost int) (string, error) {
	if cost == 0 {
		cost = DefaultCost
	}
	if cost < bcrypt.MinCost || cost > MaxCost {
		return "", fmt.Errorf("bcrypt cost %d is outside %d to %d", cost, bcrypt.MinCost, MaxCost)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("bcrypt: %w", err)
	}
	return string(h), nil
}
