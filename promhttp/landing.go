package promhttp

import (
	"net/http"
	"strings"
)

// LandingPage is the page served at "/" for people who open the server in a browser, as
// Prometheus exporters have: a title, a version, a description and a link to the metrics.
//
// Every value is HTML-escaped. MetricsPath is also normalized as a URL: bytes that may not
// appear in one (spaces, quotes, parentheses, non-ASCII) are percent-encoded, and a link with
// a scheme other than http, https or mailto (such as javascript:) becomes "#".
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
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write([]byte(p.html()))
}

// html renders the page. It is written by hand rather than with html/template, which would
// add hundreds of kilobytes to every binary that serves metrics (bench/binsize_deps_test.go
// keeps html/template out of the minimal server).
func (p LandingPage) html() string {
	if p.Title == "" {
		p.Title = "Metrics"
	}
	if p.MetricsPath == "" {
		p.MetricsPath = "/metrics"
	}
	title := escapeHTML(p.Title)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>")
	b.WriteString(title)
	b.WriteString("</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:40em;padding:0 1em;line-height:1.5}</style>\n</head>\n<body>\n<h1>")
	b.WriteString(title)
	b.WriteString("</h1>\n")
	if p.Version != "" {
		b.WriteString("<p>Version: <code>" + escapeHTML(p.Version) + "</code></p>\n")
	}
	if p.Description != "" {
		b.WriteString("<p>" + escapeHTML(p.Description) + "</p>\n")
	}
	b.WriteString("<ul><li><a href=\"" + escapeHTML(linkURL(p.MetricsPath)) + "\">Metrics</a></li></ul>\n</body>\n</html>\n")
	return b.String()
}

// linkURL returns u fit for an href: "#" when its scheme is not http, https or mailto, and
// otherwise u with every byte outside the URL characters of RFC 3986 percent-encoded
// (existing %XX escapes are kept; quotes and parentheses are encoded too).
func linkURL(u string) string {
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		switch strings.ToLower(u[:i]) {
		case "http", "https", "mailto":
		default:
			return "#"
		}
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if urlByte(c) || c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// urlByte reports whether c may appear unescaped in a link: an unreserved character or a
// reserved one of RFC 3986 other than the quote and the parentheses.
func urlByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// escapeHTML escapes the five characters html.EscapeString escapes, the same way, with the
// same strings.Replacer html uses. Package html is not imported because its entity table
// would be linked into every binary.
func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")
