module github.com/prom-go/prom/integration

go 1.24

require github.com/prom-go/prom v0.0.0

replace github.com/prom-go/prom => ../
