package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
)

// The database the tests use: $O2OKIT_SERVICE_DSN, or the one
// `ci-services.sh start` wrote to .ci-services.env. Without one the tests
// skip, loudly; under CI (CI=true, or CI_REQUIRE_DB=1) they fail instead.
func testDSN(t testing.TB) string {
	t.Helper()
	if v := os.Getenv("O2OKIT_SERVICE_DSN"); v != "" {
		return v
	}
	if f, err := os.Open(".ci-services.env"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "O2OKIT_SERVICE_DSN="); ok && v != "" {
				return v
			}
		}
	}
	const why = "no PostgreSQL configured: run `bash ci-services.sh start` (or set O2OKIT_SERVICE_DSN) to run the database tests"
	if os.Getenv("CI") == "true" || os.Getenv("CI_REQUIRE_DB") == "1" {
		t.Fatal(why + " (CI requires them)")
	}
	t.Skip("SKIPPED: " + why)
	return ""
}

// TestMain says once, before any test, when the database tests will skip.
func TestMain(m *testing.M) {
	if os.Getenv("O2OKIT_SERVICE_DSN") == "" && os.Getenv("CI") != "true" && os.Getenv("CI_REQUIRE_DB") != "1" {
		if _, err := os.Stat(".ci-services.env"); err != nil {
			fmt.Fprintln(os.Stderr, "examples/service: NO DATABASE: the tests that need PostgreSQL SKIP; run `bash ci-services.sh start` first")
		}
	}
	os.Exit(m.Run())
}

var (
	engineOnce sync.Once
	engineVal  *o2okit.Engine
	engineErr  error
)

// testEngine is the Engine on the sample rulebook.
func testEngine(t testing.TB) *o2okit.Engine {
	t.Helper()
	engineOnce.Do(func() {
		data, err := os.ReadFile("../rulebook/rulebook.json")
		if err != nil {
			engineErr = err
			return
		}
		rb, err := o2okit.LoadRulebook(data)
		if err != nil {
			engineErr = err
			return
		}
		engineVal, engineErr = o2okit.NewEngine(rb)
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engineVal
}

// env is one test's service: its own schema in the test database, migrated,
// behind an httptest server.
type env struct {
	t   testing.TB
	db  *sql.DB
	srv *Server
	web *httptest.Server
}

// openSchema creates a fresh schema and returns a pool whose connections
// use it, dropped at the end of the test.
func openSchema(t testing.TB) *sql.DB {
	t.Helper()
	dsn := testDSN(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(20)
	t.Cleanup(func() { db.Close() })
	return db
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db := openSchema(t)
	if err := Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	srv := NewServer(db, testEngine(t))
	srv.logf = t.Logf
	web := httptest.NewServer(srv)
	t.Cleanup(web.Close)
	return &env{t: t, db: db, srv: srv, web: web}
}

// reply is an HTTP response, read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// error decodes an error body.
func (r reply) error(t testing.TB) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	return e
}

func (e *env) do(method, path string, body any, header ...string) reply {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.web.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.web.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) balances() map[string]string {
	e.t.Helper()
	rows, err := e.db.Query(`SELECT account, SUM(v)::text FROM (
		SELECT to_account AS account, amount AS v FROM postings
		UNION ALL SELECT from_account, -amount FROM postings) x GROUP BY account`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a string
		var v o2o.Decimal
		if err := rows.Scan(&a, &v); err != nil {
			e.t.Fatal(err)
		}
		out[a] = v.StringFixed(2)
	}
	return out
}

// order is the sample order of the Engine's example: two cabinets and a
// measurement, delivered in Nanshan, Shenzhen.
func order(id string, at time.Time) o2o.Order {
	return o2o.Order{ID: id, Channel: o2o.ChannelO2O, At: at,
		Customer: o2o.Customer{ID: "cust-1", Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("440305")},
		Delivery: o2o.MustRegionCode("440305001"), Placed: o2o.Placement{Venue: o2o.VenueStoreScreen, StoreID: "store-nanshan"},
		Lines: []o2o.OrderLine{
			{SKU: "CAB-K1", Quantity: o2o.Qty(decimal.NewFromInt(2), o2o.UnitPiece)},
			{SKU: "SVC-MEASURE", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitJob)},
		}}
}

// order3 is a three-line order of goods.
func order3(id string, at time.Time) o2o.Order {
	o := order(id, at)
	o.Lines = []o2o.OrderLine{
		{SKU: "CAB-K1", Quantity: o2o.Qty(decimal.NewFromInt(2), o2o.UnitPiece)},
		{SKU: "DOOR-S3", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)},
		{SKU: "TILE-YF600", Quantity: o2o.Qty(decimal.RequireFromString("12.5"), o2o.UnitSquareMetre)},
	}
	return o
}

func at(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 10, 0, 0, 0, o2o.China())
}
