package collectors

import (
	"database/sql"
	"fmt"
	"sort"
	"sync"

	"github.com/prom-go/prom"
)

// DBStats collects the connection pool statistics (sql.DBStats) of one or more database/sql
// pools, one series per pool with the label db_name. The families have the names and meaning
// of client_golang's DBStatsCollector.
//
// A collection calls DB.Stats once per pool and allocates nothing per series. A DBStats is safe
// for concurrent use; concurrent collections take turns. It is not registered anywhere by
// default: register it yourself.
type DBStats struct {
	names [][]string // label values, one slice per pool
	dbs   []*sql.DB

	mu    sync.Mutex
	stats []sql.DBStats
}

// The families of DBStats, in the order of their names, with the field of sql.DBStats each
// exports.
var dbStatsFamilies = []struct {
	desc  *prom.Desc
	value func(*sql.DBStats) float64
}{
	{dbDesc(prom.GaugeType, "go_sql_idle_connections", "The number of idle connections.", ""),
		func(s *sql.DBStats) float64 { return float64(s.Idle) }},
	{dbDesc(prom.GaugeType, "go_sql_in_use_connections", "The number of connections currently in use.", ""),
		func(s *sql.DBStats) float64 { return float64(s.InUse) }},
	{dbDesc(prom.CounterType, "go_sql_max_idle_closed_total", "The total number of connections closed because the pool held more idle connections than SetMaxIdleConns allows.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxIdleClosed) }},
	{dbDesc(prom.CounterType, "go_sql_max_idle_time_closed_total", "The total number of connections closed because they were idle longer than SetConnMaxIdleTime allows.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxIdleTimeClosed) }},
	{dbDesc(prom.CounterType, "go_sql_max_lifetime_closed_total", "The total number of connections closed because they were open longer than SetConnMaxLifetime allows.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxLifetimeClosed) }},
	{dbDesc(prom.GaugeType, "go_sql_max_open_connections", "Maximum number of open connections to the database; 0 means no limit.", ""),
		func(s *sql.DBStats) float64 { return float64(s.MaxOpenConnections) }},
	{dbDesc(prom.GaugeType, "go_sql_open_connections", "The number of established connections, in use and idle.", ""),
		func(s *sql.DBStats) float64 { return float64(s.OpenConnections) }},
	{dbDesc(prom.CounterType, "go_sql_wait_count_total", "The total number of connections waited for.", ""),
		func(s *sql.DBStats) float64 { return float64(s.WaitCount) }},
	{dbDesc(prom.CounterType, "go_sql_wait_duration_seconds_total", "The total time blocked waiting for a new connection.", "seconds"),
		func(s *sql.DBStats) float64 { return s.WaitDuration.Seconds() }},
}

func dbDesc(t prom.Type, name, help, unit string) *prom.Desc {
	return prom.Must(prom.NewDesc(t, name, help, prom.DescOpts{Unit: unit, LabelNames: []string{"db_name"}}))
}

var dbStatsDescs = func() []*prom.Desc {
	var ds []*prom.Desc
	for _, f := range dbStatsFamilies {
		ds = append(ds, f.desc)
	}
	return ds
}()

// NewDBStats returns a collector of the pools, keyed by the name the db_name label gives them.
// It returns an error when there is no pool, a name is empty or not valid UTF-8, or a pool is
// nil.
func NewDBStats(pools map[string]*sql.DB) (*DBStats, error) {
	if len(pools) == 0 {
		return nil, fmt.Errorf("collectors: NewDBStats: no pool given; give at least one")
	}
	names := make([]string, 0, len(pools))
	for n, db := range pools {
		if n == "" {
			return nil, fmt.Errorf("collectors: NewDBStats: a pool has an empty name; the name is the db_name label value")
		}
		if db == nil {
			return nil, fmt.Errorf("collectors: NewDBStats: pool %q is nil", n)
		}
		if _, err := prom.NewDesc(prom.GaugeType, "x", "", prom.DescOpts{ConstLabels: map[string]string{"db_name": n}}); err != nil {
			return nil, fmt.Errorf("collectors: NewDBStats: pool name %q: %w", n, err)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	c := &DBStats{stats: make([]sql.DBStats, len(names))}
	for _, n := range names {
		c.names = append(c.names, []string{n})
		c.dbs = append(c.dbs, pools[n])
	}
	return c, nil
}

// Describe returns the descriptions of the go_sql_* families.
func (c *DBStats) Describe() []*prom.Desc { return dbStatsDescs }

// Collect reads the statistics of each pool once and writes the families.
func (c *DBStats) Collect(w *prom.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, db := range c.dbs {
		c.stats[i] = db.Stats()
	}
	for _, f := range dbStatsFamilies {
		if !w.Family(f.desc) {
			continue
		}
		for i := range c.stats {
			s := w.Series()
			s.LabelValues = c.names[i]
			s.Value = f.value(&c.stats[i])
			w.Emit(s)
		}
	}
}
