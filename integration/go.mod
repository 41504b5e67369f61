module github.com/prom-go/prom/integration

go 1.24

require (
	github.com/prom-go/prom v0.0.0
	github.com/prometheus/client_model v0.6.2
	google.golang.org/protobuf v1.36.11
)

replace github.com/prom-go/prom => ../
