module github.com/prom-go/prom/bcrypt

go 1.24.0

require github.com/prom-go/prom v0.0.0

require golang.org/x/crypto v0.45.0

replace github.com/prom-go/prom => ../
