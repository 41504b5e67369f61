package textfile_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/textfile"
)

// A batch job records the outcome of its run for node_exporter's textfile collector.
func ExampleWrite() {
	dir, err := os.MkdirTemp("", "textfile")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	reg := prom.NewRegistry()
	processed := prom.Must(prom.NewGauge("batch_records_processed", "Records processed by the last run.", prom.Opts{Registry: reg}))
	processed.Set(1250)

	path := filepath.Join(dir, "batch.prom")
	if err := textfile.Write(path, reg); err != nil {
		log.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// # HELP batch_records_processed Records processed by the last run.
	// # TYPE batch_records_processed gauge
	// batch_records_processed 1250
}
