// Command nethttp is the baseline of the binary-size comparison: a plain net/http server with
// one handler on /metrics that writes a fixed line.
package main

import (
	"io"
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "up 1\n")
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", nil))
}
