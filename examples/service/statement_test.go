package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// TestStatementEqualsSDK: a party's statement computed in SQL equals the
// SDK's Ledger.Statement over the same postings, for every account, with
// postings before, in and after the month, and returns in it.
func TestStatementEqualsSDK(t *testing.T) {
	e := newEnv(t)
	orders := []o2o.Order{
		order("SO-OCT", at(10, 20)),
		order3("SO-NOV1", at(11, 1)),
		order("SO-NOV2", at(11, 15)),
		order3("SO-NOV3", at(11, 30).Add(13*time.Hour+59*time.Minute)),  // 23:59 +08:00, the last minute of November
		order("SO-DEC", time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)), // 00:00 on 1 December in China
	}
	orders[2].Customer.ID = "cust-2"
	for _, o := range orders {
		if r := e.do("POST", "/orders", orderBody{Order: o}); r.status != http.StatusCreated {
			t.Fatalf("%s: %s", o.ID, r)
		}
	}
	for _, ret := range []struct {
		order string
		ret   o2okit.Return
	}{
		{"SO-OCT", o2okit.Return{ID: "R1", At: at(11, 3), Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}}},
		{"SO-NOV1", o2okit.Return{ID: "R2", At: at(11, 20), Lines: []o2okit.ReturnLine{{Line: 2, Quantity: o2o.MustDec("2.5")}}}},
	} {
		if r := e.do("POST", "/orders/"+ret.order+"/returns", ret.ret); r.status != http.StatusCreated {
			t.Fatalf("%s: %s", ret.ret.ID, r)
		}
	}

	// The SDK's statements, from the postings read back, in the order made.
	posted, err := postingsWhere(context.Background(), e.db, `TRUE`)
	if err != nil {
		t.Fatal(err)
	}
	ledger := settlement.MustLedger(settlement.Config{})
	if _, err := ledger.Apply(settlement.Batch{Postings: posted}); err != nil {
		t.Fatal(err)
	}
	period := settlement.Month(2026, time.November, nil)
	accounts := map[string]bool{"nobody": true}
	for _, p := range posted {
		accounts[p.From], accounts[p.To] = true, true
	}
	if len(accounts) < 4 {
		t.Fatalf("only accounts %v", accounts)
	}
	for acct := range accounts {
		want, err := ledger.Statement(acct, period)
		if err != nil {
			t.Fatal(err)
		}
		r := e.do("GET", "/parties/"+acct+"/statement?month=2026-11", nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %s", acct, r)
		}
		wantJSON, _ := json.Marshal(want)
		var got, wantAny any
		json.Unmarshal(r.body, &got)
		json.Unmarshal(wantJSON, &wantAny)
		if d := cmp.Diff(wantAny, got); d != "" {
			t.Errorf("statement of %s, SQL against SDK (-SDK +SQL):\n%s", acct, d)
		}
		if acct == "cust-1" && len(want.Lines) == 0 {
			t.Errorf("cust-1 has no lines in November")
		}
	}
	if r := e.do("GET", "/parties/cust-1/statement?month=2026-13", nil); r.status != http.StatusBadRequest || r.error(t).Fields[0].Path != "month" {
		t.Errorf("bad month: %s", r)
	}
}

// TestPostingsAppendOnly: the ledger table refuses edits and deletions.
func TestPostingsAppendOnly(t *testing.T) {
	e := newEnv(t)
	if r := e.do("POST", "/orders", orderBody{Order: order("SO-A", at(3, 1))}); r.status != http.StatusCreated {
		t.Fatal(r)
	}
	for _, q := range []string{`UPDATE postings SET amount = amount + 1`, `DELETE FROM postings`, `TRUNCATE postings CASCADE`} {
		if _, err := e.db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
}

// TestMigrations: migrating twice changes nothing; a database with a
// migration the service does not know, or another content under one of its
// versions, is refused; without migrating, an empty database is refused.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	db := openSchema(t)
	if err := CheckSchema(ctx, db); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("an empty database: %v", err)
	}
	if err := Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, db); err != nil {
		t.Fatalf("migrating again: %v", err)
	}
	if err := CheckSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, sha256) VALUES (99, '0099_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(context.Context, *sql.DB) error{"Migrate": Migrate, "CheckSchema": CheckSchema} {
		if err := f(ctx, db); !errors.Is(err, ErrUnknownSchema) {
			t.Errorf("%s with a newer migration: %v", name, err)
		}
	}
	db.Exec(`DELETE FROM schema_migrations WHERE version = 99`)
	db.Exec(`UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1`)
	if err := Migrate(ctx, db); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("with an edited migration: %v", err)
	}
}

// TestConcurrentMigrate: services starting at once migrate once.
func TestConcurrentMigrate(t *testing.T) {
	db := openSchema(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- Migrate(context.Background(), db) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
