module github.com/prom-go/prom

go 1.24
