package push_test

// Examples of MIGRATING.md: client_golang's push package and the Python client's
// push_to_gateway, and their prom form.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/push"
)

// client_golang:
//
//	err := push.New(url, "backup").Collector(rows).Grouping("db", "orders").Push()
//	err = push.New(url, "backup").Gatherer(reg).Add()
//
// Python:
//
//	push_to_gateway(url, job="backup", registry=reg, grouping_key={"db": "orders"})
//	pushadd_to_gateway(...); delete_from_gateway(url, job="backup", grouping_key=...)
func Example_migrate() {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path)
	}))
	defer gateway.Close()

	// A Pusher pushes a registry: put single collectors into one of their own.
	reg := prom.NewRegistry()
	rows := prom.Must(prom.NewCounter("backup_rows_total", "Rows backed up.", prom.Opts{Registry: reg}))
	rows.Add(1234)

	p := &push.Pusher{URL: gateway.URL, Job: "backup", Grouping: map[string]string{"db": "orders"}}
	ctx := context.Background()
	if err := p.Push(ctx, reg); err != nil { // PUT: replaces the group
		fmt.Println(err)
	}
	if err := p.Add(ctx, reg); err != nil { // POST: replaces the families pushed
		fmt.Println(err)
	}
	if err := p.Delete(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// PUT /metrics/job/backup/db/orders
	// POST /metrics/job/backup/db/orders
	// DELETE /metrics/job/backup/db/orders
}
