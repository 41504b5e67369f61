// Package sqlstats exports the connection pool statistics of database/sql pools (sql.DBStats)
// as the go_sql_* families, with the names and meaning of client_golang's DBStatsCollector, so
// dashboards built for it keep working.
//
//	db, err := sql.Open("pgx", dsn)
//	...
//	prom.Default.MustRegister(prom.Must(sqlstats.New(map[string]*sql.DB{"orders": db})))
//
// It is a package of its own, apart from package collectors, so that a program that serves
// metrics without using database/sql does not link it.
package sqlstats

import (
	"database/sql"
	"fmt"
	"sort"
	"sync"

	"github.com/prom-go/prom"
)

// Collector collects the connection pool statistics of one or more database/sql pools, one
// series per pool with the label db_name.
//
// A collection calls DB.Stats once per pool and allocates nothing per series. A Collector is
// safe for concurrent use; concurrent collections take turns. It is not registered anywhere by
// default: register it yourself.
type Collector struct {
	names [][]string // label values, one slice per pool
	dbs   []*sql.DB

	mu    sync.Mutex
	stats []sql.DBStats
}

// The families of Collector, in the order of their names, with the field of sql.DBStats each
// exports.
var families = []struct {
	desc  *prom.Desc
	value func(*sql.DBStats) float64
}{
	{desc(prom.GaugeType, "go_sql_idle_connections", "The number of idle connections.", ""),
		func(s *sql.DBStats) float64 { return float64(s.Idle) }},
	{desc(prom.GaugeType, "go_sql_in_use_connections", "The number of connections currently in use.", ""),
		func(s *sql.DBStats) float64 { return float64(s.InUse) }},
	{desc(prom.CounterType, "go_sql_max_idle_closed_total", "The total number of connections closed because the pool held more idle connections than SetMaxIdleConns allows.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxIdleClosed) }},
	{desc(prom.CounterType, "go_sql_max_idle_time_closed_total", "The total number of connections closed because they were idle longer than SetConnMaxIdleTime allows.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxIdleTimeClosed) }},
	{desc(prom.CounterType, "go_sql_max_lifetime_closed_total", "The total number of connections closed because they were open longer than SetConnMaxLifetime allows.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxLifetimeClosed) }},
	{desc(prom.GaugeType, "go_sql_max_open_connections", "Maximum number of open connections to the database; 0 means no limit.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxOpenConnections) }},
	{desc(prom.GaugeType, "go_sql_open_connections", "The number of established connections, in use and idle.", ""),
		func(s *sql.DBStats) float64 { return float64(s.OpenConnections) }},
	{desc(prom.CounterType, "go_sql_wait_count_total", "The total number of connections waited for.", ""),
		func(s *sql.DBStats) float64 { return float64(s.WaitCount) }},
	{desc(prom.CounterType, "go_sql_wait_duration_seconds_total", "The total time blocked waiting for a new connection.", "seconds"),
		func(s *sql.DBStats) float64 { return s.WaitDuration.Seconds() }},
}

func desc(t prom.Type, name, help, unit string) *prom.Desc {
	return prom.Must(prom.NewDesc(t, name, help, []string{"db_name"}, prom.Opts{Unit: unit}))
}

var descs = func() []*prom.Desc {
	var ds []*prom.Desc
	for _, f := range families {
		ds = append(ds, f.desc)
	}
	return ds
}()

// New returns a collector of the pools, keyed by the name the db_name label gives them. It
// returns an error when there is no pool, a name is empty or not valid UTF-8, or a pool is nil.
func New(pools map[string]*sql.DB) (*Collector, error) {
	if len(pools) == 0 {
		return nil, fmt.Errorf("sqlstats: New: no pool given; give at least one")
	}
	names := make([]string, 0, len(pools))
	for n, db := range pools {
		if n == "" {
			return nil, fmt.Errorf("sqlstats: New: a pool has an empty name; the name is the db_name label value")
		}
		if db == nil {
			return nil, fmt.Errorf("sqlstats: New: pool %q is nil", n)
		}
		if _, err := prom.NewDesc(prom.GaugeType, "x", "", nil, prom.Opts{ConstLabels: map[string]string{"db_name": n}}); err != nil {
			return nil, fmt.Errorf("sqlstats: New: pool name %q: %w", n, err)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	c := &Collector{stats: make([]sql.DBStats, len(names))}
	for _, n := range names {
		c.names = append(c.names, []string{n})
		c.dbs = append(c.dbs, pools[n])
	}
	return c, nil
}

// Describe returns the descriptions of the go_sql_* families.
func (c *Collector) Describe() []*prom.Desc { return descs }

// Collect reads the statistics of each pool once and writes the families.
func (c *Collector) Collect(w *prom.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, db := range c.dbs {
		c.stats[i] = db.Stats()
	}
	for _, f := range families {
		if !w.Family(f.desc) {
			continue
		}
		for i := range c.stats {
			w.Emit(&prom.Series{Value: f.value(&c.stats[i]), LabelValues: c.names[i]})
		}
	}
}
