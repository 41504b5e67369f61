package promecho

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/prom-go/prom/promhttp"
)

// Middleware returns echo middleware that records every request it sees into m. Install it with
// Echo.Use, which runs it after routing, so that c.Path() is known; it sees the requests no
// route matched too. One m may serve any number of servers and net/http handlers.
func Middleware(m *promhttp.ServerMetrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := m.Start()
			done := false
			defer func() {
				// A panic on its way up, left to unwind with its own stack.
				if !done {
					m.Finish(c.Request(), start, served(c, promhttp.PanicCode, c.Path()))
				}
			}()
			err := next(c)
			done = true
			route := c.Path()
			if err == echo.ErrNotFound || err == echo.ErrMethodNotAllowed { // the router's, by identity
				route = promhttp.Unmatched
			}
			code := c.Response().Status
			if err != nil && !c.Response().Committed {
				// echo's HTTPErrorHandler writes the response after this returns.
				code = http.StatusInternalServerError
				var he *echo.HTTPError
				if errors.As(err, &he) {
					code = he.Code
				}
			}
			m.Finish(c.Request(), start, served(c, code, route))
			return err
		}
	}
}

func served(c echo.Context, code int, route string) promhttp.Served {
	return promhttp.Served{Route: route, Code: code, RequestSize: -1, ResponseSize: c.Response().Size}
}
