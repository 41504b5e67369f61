package collectors

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/prom-go/prom"
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

func init() { sql.Register("collectors-fake", fakeDriver{}) }

func openFake(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("collectors-fake", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDBStatsGolden(t *testing.T) {
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
	c := prom.Must(NewDBStats(map[string]*sql.DB{"replica": replica, "primary": primary}))
	golden(t, "dbstats.golden", withErrors(collectText(t, c)))
}

func TestDBStatsErrors(t *testing.T) {
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
		_, err := NewDBStats(tc.pools)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.pools, err, tc.want)
		}
	}
}
