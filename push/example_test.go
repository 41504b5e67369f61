package push_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/push"
)

// A batch job records its outcome in a registry of its own and pushes it when it ends. The
// fake gateway here prints what it receives.
func Example() {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.EscapedPath())
	}))
	defer gateway.Close()

	reg := prom.NewRegistry()
	rows := prom.Must(prom.NewCounter("backup_rows_total", "Rows backed up.", prom.Opts{Registry: reg}))
	rows.Add(1234)

	p := &push.Pusher{
		URL:      gateway.URL,
		Job:      "backup",
		Grouping: map[string]string{"db": "orders", "dir": "/var/backups"},
	}
	if err := p.Push(context.Background(), reg); err != nil {
		fmt.Println(err)
	}
	if err := p.Delete(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// PUT /metrics/job/backup/db/orders/dir@base64/L3Zhci9iYWNrdXBz
	// DELETE /metrics/job/backup/db/orders/dir@base64/L3Zhci9iYWNrdXBz
}

// A gateway's refusal comes back as an *Error with its status and explanation.
func ExampleError() {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `collected metric "rows" is not a GAUGE`, http.StatusBadRequest)
	}))
	defer gateway.Close()

	reg := prom.NewRegistry()
	prom.Must(prom.NewCounter("rows", "Rows.", prom.Opts{Registry: reg})).Inc()
	err := (&push.Pusher{URL: gateway.URL, Job: "load"}).Push(context.Background(), reg)

	var pe *push.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.StatusCode, pe.Body)
	}
	// Output:
	// 400 collected metric "rows" is not a GAUGE
}

// Jobs running on several hosts keep a group each with the address they push from.
func ExampleInstanceIPGroupingKey() {
	key, err := push.InstanceIPGroupingKey("http://127.0.0.1:9091")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(key)
	// Output:
	// map[instance:127.0.0.1]
}
