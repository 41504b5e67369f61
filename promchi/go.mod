module github.com/prom-go/prom/promchi

go 1.26.0

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/prom-go/prom v0.0.0
	github.com/prom-go/prom/promotel v0.0.0
	go.opentelemetry.io/otel/trace v1.47.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
)

replace github.com/prom-go/prom => ../

replace github.com/prom-go/prom/promotel => ../promotel
