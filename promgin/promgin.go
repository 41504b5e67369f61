package promgin

import (
	"github.com/gin-gonic/gin"
	"github.com/prom-go/prom/promhttp"
)

// Middleware returns gin middleware that records every request it sees into m. Install it with
// Engine.Use so that it also sees the requests no route matched; one m may serve any number of
// engines and net/http handlers.
func Middleware(m *promhttp.ServerMetrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := m.Start()
		done := false
		defer func() {
			// A panic on its way up, left to unwind with its own stack.
			if !done {
				m.Finish(c.Request, start, served(c, promhttp.PanicCode))
			}
		}()
		c.Next()
		done = true
		m.Finish(c.Request, start, served(c, c.Writer.Status()))
	}
}

func served(c *gin.Context, code int) promhttp.Served {
	return promhttp.Served{
		Route:        c.FullPath(), // "" when unmatched: promhttp counts it as Unmatched
		Code:         code,
		RequestSize:  -1, // the Content-Length
		ResponseSize: int64(max(c.Writer.Size(), 0)),
	}
}
