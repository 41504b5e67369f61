module github.com/prom-go/prom/integration

go 1.26.0

require (
	github.com/prom-go/prom v0.0.0
	github.com/prometheus/client_model v0.6.3
	google.golang.org/protobuf v1.36.12
)

require github.com/klauspost/compress v1.20.3 // indirect

require (
	github.com/prom-go/prom/zstd v0.0.0
	github.com/prometheus/common v0.72.1
)

replace github.com/prom-go/prom => ../

replace github.com/prom-go/prom/zstd => ../zstd
