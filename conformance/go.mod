module github.com/prom-go/prom/conformance

go 1.26.7

replace github.com/prom-go/prom => ../

require (
	github.com/prom-go/prom v0.0.0
	github.com/prometheus/common v0.74.0
)

require (
	github.com/prometheus/client_model v0.6.3 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
