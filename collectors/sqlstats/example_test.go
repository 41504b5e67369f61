package sqlstats_test

import (
	"database/sql"
	"fmt"
	"os"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors/sqlstats"
)

// Expose the pool statistics of database handles, labelled by name.
func ExampleNew() {
	var primary, replica *sql.DB // from sql.Open
	c, err := sqlstats.New(map[string]*sql.DB{"primary": primary, "replica": replica})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	prom.Default.MustRegister(c)
}
