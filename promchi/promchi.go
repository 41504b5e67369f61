package promchi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/prom-go/prom/promhttp"
)

// Middleware returns chi middleware that records every request it sees into m. Install it
// with Router.Use on the root router, so that it also sees the requests no route matched;
// one m may serve any number of routers and net/http handlers.
func Middleware(m *promhttp.ServerMetrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return m.MiddlewareRoute(Route, next) }
}

// Route returns the pattern of the chi route that served r ("/items/{id}"), or "" when none
// did or r did not pass through a chi router.
func Route(r *http.Request) string {
	return chi.RouteContext(r.Context()).RoutePattern()
}
