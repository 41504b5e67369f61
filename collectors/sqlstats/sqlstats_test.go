package sqlstats

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
)

// fakeDriver is the smallest database/sql/driver: connections that prepare statements which
// return no rows. It lets the pools hold real connections without a database.
type fakeDriver struct{}

type fakeConn struct{}
type fakeStmt struct{}
type fakeRows struct{}

func (fakeDriver) Open(string) (driver.Conn, error)         { return fakeConn{}, nil }
func (fakeConn) Prepare(string) (driver.Stmt, error)        { return fakeStmt{}, nil }
func (fakeConn) Close() error                               { return nil }
func (fakeConn) Begin() (driver.Tx, error)                  { return nil, errors.New("no transactions") }
func (fakeStmt) Close() error                               { return nil }
func (fakeStmt) NumInput() int                              { return -1 }
func (fakeStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(0), nil }
func (fakeStmt) Query([]driver.Value) (driver.Rows, error)  { return fakeRows{}, nil }
func (fakeRows) Columns() []string                          { return nil }
func (fakeRows) Close() error                               { return nil }
func (fakeRows) Next([]driver.Value) error                  { return io.EOF }

func init() { sql.Register("sqlstats-fake", fakeDriver{}) }

func openFake(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlstats-fake", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCollect(t *testing.T) {
	primary, replica := openFake(t), openFake(t)
	primary.SetMaxOpenConns(10)
	// Hold one connection and leave another idle in the primary pool.
	ctx := context.Background()
	held, err := primary.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	idle, err := primary.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idle.Close()
	c := prom.Must(New(map[string]*sql.DB{"replica": replica, "primary": primary}))
	const want = `
		# HELP go_sql_idle_connections The number of idle connections.
		# TYPE go_sql_idle_connections gauge
		go_sql_idle_connections{db_name="primary"} 1
		go_sql_idle_connections{db_name="replica"} 0
		# HELP go_sql_in_use_connections The number of connections currently in use.
		# TYPE go_sql_in_use_connections gauge
		go_sql_in_use_connections{db_name="primary"} 1
		go_sql_in_use_connections{db_name="replica"} 0
		# HELP go_sql_max_idle_closed_total The total number of connections closed because the pool held more idle connections than SetMaxIdleConns allows.
		# TYPE go_sql_max_idle_closed_total counter
		go_sql_max_idle_closed_total{db_name="primary"} 0
		go_sql_max_idle_closed_total{db_name="replica"} 0
		# HELP go_sql_max_idle_time_closed_total The total number of connections closed because they were idle longer than SetConnMaxIdleTime allows.
		# TYPE go_sql_max_idle_time_closed_total counter
		go_sql_max_idle_time_closed_total{db_name="primary"} 0
		go_sql_max_idle_time_closed_total{db_name="replica"} 0
		# HELP go_sql_max_lifetime_closed_total The total number of connections closed because they were open longer than SetConnMaxLifetime allows.
		# TYPE go_sql_max_lifetime_closed_total counter
		go_sql_max_lifetime_closed_total{db_name="primary"} 0
		go_sql_max_lifetime_closed_total{db_name="replica"} 0
		# HELP go_sql_max_open_connections Maximum number of open connections to the database; 0 means no limit.
		# TYPE go_sql_max_open_connections gauge
		go_sql_max_open_connections{db_name="primary"} 10
		go_sql_max_open_connections{db_name="replica"} 0
		# HELP go_sql_open_connections The number of established connections, in use and idle.
		# TYPE go_sql_open_connections gauge
		go_sql_open_connections{db_name="primary"} 2
		go_sql_open_connections{db_name="replica"} 0
		# HELP go_sql_wait_count_total The total number of connections waited for.
		# TYPE go_sql_wait_count_total counter
		go_sql_wait_count_total{db_name="primary"} 0
		go_sql_wait_count_total{db_name="replica"} 0
		# HELP go_sql_wait_duration_seconds_total The total time blocked waiting for a new connection.
		# TYPE go_sql_wait_duration_seconds_total counter
		go_sql_wait_duration_seconds_total{db_name="primary"} 0
		go_sql_wait_duration_seconds_total{db_name="replica"} 0
	`
	if err := testutil.Compare(c, want); err != nil {
		t.Error(err)
	}
}

func TestNewErrors(t *testing.T) {
	db := openFake(t)
	for _, tc := range []struct {
		pools map[string]*sql.DB
		want  string
	}{
		{nil, "no pool"},
		{map[string]*sql.DB{"": db}, "empty name"},
		{map[string]*sql.DB{"a": nil}, `pool "a" is nil`},
		{map[string]*sql.DB{"a\xff": db}, `pool name "a\xff"`},
	} {
		_, err := New(tc.pools)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.pools, err, tc.want)
		}
	}
}

// nopEncoder discards everything, for allocation tests and benchmarks.
type nopEncoder struct{ n int }

func (e *nopEncoder) Family(*prom.Desc)               {}
func (e *nopEncoder) Series(*prom.Desc, *prom.Series) { e.n++ }

func TestCollectAllocsDoNotGrowWithPools(t *testing.T) {
	allocs := func(n int) float64 {
		pools := map[string]*sql.DB{}
		for i := range n {
			pools[string(rune('a'+i))] = openFake(t)
		}
		r := prom.NewRegistry()
		r.MustRegister(prom.Must(New(pools)))
		var e nopEncoder
		r.Collect(context.Background(), &e) // warm the registry's pooled writer
		return testing.AllocsPerRun(100, func() { r.Collect(context.Background(), &e) })
	}
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector")
	}
	if one, many := allocs(1), allocs(8); many > one {
		t.Errorf("a collection of 8 pools allocates %v times, of 1 pool %v; want no growth", many, one)
	}
}

func BenchmarkCollect(b *testing.B) {
	r := prom.NewRegistry()
	r.MustRegister(prom.Must(New(map[string]*sql.DB{"a": openFake(b), "b": openFake(b)})))
	var e nopEncoder
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.Collect(ctx, &e)
	}
}
