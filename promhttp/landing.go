package promhttp

import (
	"html/template"
	"net/http"
)

// LandingPage is the page served at "/" for people who open the server in a browser, as
// Prometheus exporters have: a title, a version, a description and a link to the metrics.
type LandingPage struct {
	// Title is the page's title and heading. Empty means "Metrics".
	Title string
	// Version is shown under the title, such as "v1.2.3 (revision abc123)". Empty shows none.
	Version string
	// Description is a paragraph under the heading. Empty shows none.
	Description string
	// MetricsPath is the link to the metrics. Empty means "/metrics".
	MetricsPath string
}

var landingTemplate = template.Must(template.New("landing").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:40em;padding:0 1em;line-height:1.5}</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Version}}<p>Version: <code>{{.Version}}</code></p>
{{end}}{{if .Description}}<p>{{.Description}}</p>
{{end}}<ul><li><a href="{{.MetricsPath}}">Metrics</a></li></ul>
</body>
</html>
`))

// ServeHTTP serves the page at "/" (GET and HEAD) and 404 at any other path, so that a
// LandingPage mounted at "/" in a ServeMux does not answer for every path.
func (p LandingPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if p.Title == "" {
		p.Title = "Metrics"
	}
	if p.MetricsPath == "" {
		p.MetricsPath = "/metrics"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Method == http.MethodHead {
		return
	}
	_ = landingTemplate.Execute(w, p)
}
