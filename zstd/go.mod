module github.com/prom-go/prom/zstd

go 1.26.0

require github.com/prom-go/prom v0.0.0

require github.com/klauspost/compress v1.20.3

replace github.com/prom-go/prom => ../
