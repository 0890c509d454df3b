package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/workflow"
)

type orderBody struct {
	Order         o2o.Order             `json:"order"`
	Circumstances *o2okit.Circumstances `json:"circumstances,omitempty"`
}

func decodeOrder(t *testing.T, r reply) orderResponse {
	t.Helper()
	var resp struct {
		Order    string               `json:"order"`
		Pays     o2o.Money            `json:"pays"`
		Postings []settlement.Posting `json:"postings"`
	}
	if err := json.Unmarshal(r.body, &resp); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	return orderResponse{Order: resp.Order, Pays: resp.Pays, Postings: resp.Postings}
}

// TestOrderEndToEnd: an order is evaluated and posted; the same request
// again gets the same answer and posts nothing; another request under the
// same id is a 409 with the SDK's explanation.
func TestOrderEndToEnd(t *testing.T) {
	e := newEnv(t)
	body := orderBody{Order: order("SO-1", at(3, 1))}
	r := e.do("POST", "/orders", body)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /orders: %s", r)
	}
	got := decodeOrder(t, r)
	if got.Pays.String() != "8198.00 CNY" {
		t.Errorf("pays %s, want 8198.00 CNY", got.Pays)
	}
	ev, err := testEngine(t).Evaluate(body.Order, o2okit.Circumstances{})
	if err != nil {
		t.Fatal(err)
	}
	want := ev.Batch().Postings
	if len(got.Postings) != len(want) || e.count("postings") != len(want) {
		t.Fatalf("answered %d postings, stored %d, want %d", len(got.Postings), e.count("postings"), len(want))
	}
	stored, err := postingsWhere(context.Background(), e.db, `TRUE`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !stored[i].SameContent(want[i]) {
			t.Errorf("stored posting %d = %v, want %v", i, stored[i], want[i])
		}
	}

	again := e.do("POST", "/orders", body)
	if again.status != http.StatusOK || !bytes.Equal(again.body, r.body) || again.header.Get("Idempotent-Replay") != "true" {
		t.Errorf("retry: %d (replay %q), same body %v", again.status, again.header.Get("Idempotent-Replay"), bytes.Equal(again.body, r.body))
	}
	if n := e.count("postings"); n != len(want) {
		t.Errorf("after the retry %d postings, want %d", n, len(want))
	}

	g := e.do("GET", "/orders/SO-1", nil)
	if g.status != http.StatusOK || !bytes.Equal(g.body, r.body) || g.header.Get("X-Pays") != "8198.00 CNY" {
		t.Errorf("GET /orders/SO-1: %d, X-Pays %q", g.status, g.header.Get("X-Pays"))
	}
	if g := e.do("GET", "/orders/SO-404", nil); g.status != http.StatusNotFound {
		t.Errorf("GET an unknown order: %s", g)
	}

	other := orderBody{Order: order("SO-1", at(3, 1))}
	other.Order.Lines[0].Quantity = o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)
	c := e.do("POST", "/orders", other)
	if c.status != http.StatusConflict {
		t.Fatalf("same id, other content: %s", c)
	}
	if msg := c.error(t).Error; !strings.Contains(msg, "already names a different posting") {
		t.Errorf("the conflict does not give the SDK's explanation: %s", msg)
	}
	if n := e.count("postings"); n != len(want) {
		t.Errorf("after the conflict %d postings, want %d", n, len(want))
	}
}

// TestOrderBadInput: bad input gets a JSON error with the SDK's field paths
// and the right status, and nothing is written.
func TestOrderBadInput(t *testing.T) {
	e := newEnv(t)
	nano := orderBody{Order: order("SO-N", at(3, 1).Add(time.Nanosecond))}
	unknown := orderBody{Order: order("SO-U", at(3, 1))}
	unknown.Order.Lines[1].SKU = "NOPE"
	unit := orderBody{Order: order("SO-Q", at(3, 1))}
	unit.Order.Lines[0].Quantity = o2o.Qty(decimal.RequireFromString("1.5"), o2o.UnitPiece)
	for _, c := range []struct {
		name   string
		body   any
		status int
		path   string
	}{
		{"malformed", `{"order": {`, 400, ""},
		{"unknown field", `{"order": {}, "extra": 1}`, 400, "extra"},
		{"bad region", `{"order": {"delivery": "12"}}`, 400, "order.delivery"},
		{"bad enum", `{"order": {"channel": "tv"}}`, 400, "order.channel"},
		{"missing fields", `{"order": {"id": "SO-M"}}`, 422, "order.channel"},
		{"unknown sku", unknown, 422, "order.lines[1].sku"},
		{"fractional cabinet", unit, 422, "order.lines[0].quantity.value"},
		{"nanoseconds", nano, 422, "order.at"},
		{"clearance of no line", orderBody{Order: order("SO-CL", at(3, 1)), Circumstances: &o2okit.Circumstances{Clearance: []o2okit.ClearanceLine{{Line: 9}}}}, 422, "circumstances.clearance[0].line"},
		{"too large", `{"order": {"id": "` + strings.Repeat("x", MaxBody) + `"}}`, 400, ""},
	} {
		r := e.do("POST", "/orders", c.body)
		if r.status != c.status {
			t.Errorf("%s: %s; want %d", c.name, r, c.status)
			continue
		}
		ae := r.error(t)
		if c.path != "" && !slices.ContainsFunc(ae.Fields, func(f o2o.FieldError) bool { return f.Path == c.path }) {
			t.Errorf("%s: fields %v do not name %q", c.name, ae.Fields, c.path)
		}
	}
	if n, p := e.count("orders"), e.count("postings"); n+p != 0 {
		t.Errorf("bad input wrote %d orders, %d postings", n, p)
	}
}

// TestPostingKeyTaken: the postings table's unique key refuses a posting
// whose key another posting holds, and the 409 gives the SDK's explanation.
func TestPostingKeyTaken(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.Exec(`INSERT INTO postings (key, batch, kind, from_account, to_account, amount, currency, order_id, at)
		VALUES ('SO-K/0/manufacturer', 'elsewhere', 'sale_revenue', 'cust-9', 'headquarters', 1.00, 'CNY', 'SO-K', now())`); err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/orders", orderBody{Order: order("SO-K", at(3, 1))})
	if r.status != http.StatusConflict || !strings.Contains(r.error(t).Error, `key "SO-K/0/manufacturer" already names a different posting`) {
		t.Fatalf("a taken posting key: %s", r)
	}
	if n, p := e.count("orders"), e.count("postings"); n != 0 || p != 1 {
		t.Errorf("the refused order left %d orders, %d postings", n, p)
	}
}

// TestOrderConcurrentRetries: 100 concurrent copies of one request make
// one set of postings; one is created, the others get the same answer.
func TestOrderConcurrentRetries(t *testing.T) {
	e := newEnv(t)
	body := orderBody{Order: order3("SO-C", at(3, 2))}
	const n = 100
	replies := make([]reply, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = e.do("POST", "/orders", body)
		}()
	}
	wg.Wait()
	created := 0
	for i, r := range replies {
		switch r.status {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Fatalf("request %d: %s", i, r)
		}
		if !bytes.Equal(r.body, replies[0].body) {
			t.Errorf("request %d got another answer", i)
		}
	}
	want := len(decodeOrder(t, replies[0]).Postings)
	if created != 1 || e.count("orders") != 1 || e.count("postings") != want {
		t.Errorf("%d created, %d orders, %d postings; want 1, 1, %d", created, e.count("orders"), e.count("postings"), want)
	}
}

// TestCrashBetweenSteps: a transaction that fails after some of its writes
// leaves nothing; the request can then be made again.
func TestCrashBetweenSteps(t *testing.T) {
	e := newEnv(t)
	crash := errors.New("crash before commit")
	var crashing sync.Map
	e.srv.beforeCommit = func(ctx context.Context, tx *sql.Tx, step string) error {
		if _, ok := crashing.Load(step); ok {
			return crash
		}
		return nil
	}
	body := orderBody{Order: order("SO-X", at(3, 3))}
	crashing.Store("order", true)
	if r := e.do("POST", "/orders", body); r.status != http.StatusInternalServerError {
		t.Fatalf("crashed order: %s", r)
	}
	if n, p := e.count("orders"), e.count("postings"); n+p != 0 {
		t.Fatalf("a crashed order left %d orders, %d postings", n, p)
	}
	crashing.Delete("order")
	if r := e.do("POST", "/orders", body); r.status != http.StatusCreated {
		t.Fatalf("order after the crash: %s", r)
	}
	posted := e.count("postings")

	crashing.Store("return", true)
	ret := o2okit.Return{ID: "R1", At: at(3, 5), Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}}
	if r := e.do("POST", "/orders/SO-X/returns", ret); r.status != http.StatusInternalServerError {
		t.Fatalf("crashed return: %s", r)
	}
	if p, n := e.count("postings"), e.count("returns"); p != posted || n != 0 {
		t.Fatalf("a crashed return left %d postings (want %d), %d returns", p, posted, n)
	}
	crashing.Delete("return")
	if r := e.do("POST", "/orders/SO-X/returns", ret); r.status != http.StatusCreated {
		t.Fatalf("return after the crash: %s", r)
	}

	if r := e.do("POST", "/projects", projectRequest{ID: "P-X"}); r.status != http.StatusCreated {
		t.Fatal(r)
	}
	crashing.Store("command", true)
	if r := e.do("POST", "/projects/P-X/commands", apply("c1")); r.status != http.StatusInternalServerError {
		t.Fatalf("crashed command: %s", r)
	}
	if v, o := projectVersion(t, e, "P-X"), e.count("outbox"); v != 1 || o != 0 {
		t.Fatalf("a crashed command left version %d, %d outbox rows", v, o)
	}
	crashing.Delete("command")
	if r := e.do("POST", "/projects/P-X/commands", apply("c1")); r.status != http.StatusOK {
		t.Fatalf("command after the crash: %s", r)
	}
}

// TestReturns: returns reverse lines exactly, their state rebuilt from the
// stored postings; a retry gets the same answer; over-returning is refused.
func TestReturns(t *testing.T) {
	e := newEnv(t)
	o := order("SO-R", at(3, 1))
	if r := e.do("POST", "/orders", orderBody{Order: o}); r.status != http.StatusCreated {
		t.Fatal(r)
	}
	ret := o2okit.Return{ID: "RET-1", At: at(3, 4), Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}}
	r := e.do("POST", "/orders/SO-R/returns", ret)
	if r.status != http.StatusCreated {
		t.Fatalf("return: %s", r)
	}
	// The same as the SDK on an in-memory ledger (the Engine's example).
	want := map[string]string{"cust-1": "-4199.00", "headquarters": "3863.08", "store-nanshan": "335.92"}
	if got := e.balances(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("balances %v, want %v", got, want)
	}
	n := e.count("postings")
	if again := e.do("POST", "/orders/SO-R/returns", ret); again.status != http.StatusOK || !bytes.Equal(again.body, r.body) || e.count("postings") != n {
		t.Errorf("retried return: %s, %d postings (want %d)", again, e.count("postings"), n)
	}
	other := ret
	other.Lines = []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("2")}}
	if c := e.do("POST", "/orders/SO-R/returns", other); c.status != http.StatusConflict {
		t.Errorf("same return id, other content: %s", c)
	}
	too := o2okit.Return{ID: "RET-2", At: at(3, 5), Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("2")}}}
	if c := e.do("POST", "/orders/SO-R/returns", too); c.status != http.StatusUnprocessableEntity {
		t.Errorf("returning more than is left: %s", c)
	} else if !strings.Contains(c.error(t).Error, "lines[0]") {
		t.Errorf("returning more than is left: the line is not named: %s", c)
	}
	if c := e.do("POST", "/orders/SO-404/returns", too); c.status != http.StatusNotFound {
		t.Errorf("return on an unknown order: %s", c)
	}
	if c := e.do("POST", "/orders/SO-R/returns", `{"id": "RET-3", "lines": [{"line": 7, "quantity": "1"}], "at": "2026-03-06T10:00:00+08:00"}`); c.status != http.StatusUnprocessableEntity ||
		!slices.ContainsFunc(c.error(t).Fields, func(f o2o.FieldError) bool { return f.Path == "lines[0].line" }) {
		t.Errorf("return of a line the order lacks: %s", c)
	}
	if e.count("postings") != n {
		t.Errorf("refused returns wrote postings")
	}
	last := o2okit.Return{ID: "RET-4", At: at(3, 6), Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}, {Line: 1, Quantity: o2o.MustDec("1")}}}
	if c := e.do("POST", "/orders/SO-R/returns", last); c.status != http.StatusCreated {
		t.Fatalf("returning the rest: %s", c)
	}
	for acct, bal := range e.balances() {
		if bal != "0.00" {
			t.Errorf("after returning everything %s holds %s", acct, bal)
		}
	}
}

// TestConcurrentReturns: ten clerks return one cabinet each, at once, from
// an order of two: exactly two succeed.
func TestConcurrentReturns(t *testing.T) {
	e := newEnv(t)
	if r := e.do("POST", "/orders", orderBody{Order: order("SO-CR", at(3, 1))}); r.status != http.StatusCreated {
		t.Fatal(r)
	}
	const n = 10
	status := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ret := o2okit.Return{ID: fmt.Sprintf("R%d", i), At: at(3, 4), Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}}
			status[i] = e.do("POST", "/orders/SO-CR/returns", ret).status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range status {
		switch s {
		case http.StatusCreated:
			ok++
		case http.StatusUnprocessableEntity:
		default:
			t.Errorf("status %d", s)
		}
	}
	if ok != 2 || e.count("returns") != 2 {
		t.Errorf("%d returns made, %d stored; want 2", ok, e.count("returns"))
	}
}

func apply(id string) workflow.Command {
	return workflow.Command{ID: id, Event: "apply", Actor: "clerk-1", Role: "store", At: at(3, 1), Facts: workflow.Facts{"venue": "store"}}
}

func projectVersion(t *testing.T, e *env, id string) int64 {
	t.Helper()
	var v int64
	if err := e.db.QueryRow(`SELECT version FROM projects WHERE id = $1`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func getProject(t *testing.T, e *env, id string) projectView {
	t.Helper()
	r := e.do("GET", "/projects/"+id, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /projects/%s: %s", id, r)
	}
	var v projectView
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatal(err)
	}
	if r.header.Get("ETag") != etag(v.Version) {
		t.Errorf("ETag %q, version %d", r.header.Get("ETag"), v.Version)
	}
	return v
}

func outboxKeys(t *testing.T, e *env) []string {
	t.Helper()
	rows, err := e.db.Query(`SELECT key FROM outbox ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		keys = append(keys, k)
	}
	return keys
}

// TestProjects: commands move a project, intents go to the outbox once, a
// refused command is a 422 with the guard's explanation and changes
// nothing, a reused command id with other content is a 409.
func TestProjects(t *testing.T) {
	e := newEnv(t)
	if r := e.do("POST", "/projects", projectRequest{ID: "P1"}); r.status != http.StatusCreated {
		t.Fatal(r)
	}
	if r := e.do("POST", "/projects", projectRequest{ID: "P1"}); r.status != http.StatusConflict {
		t.Errorf("creating P1 again: %s", r)
	}
	if r := e.do("POST", "/projects", projectRequest{ID: "P2", Workflow: "nope"}); r.status != http.StatusUnprocessableEntity || r.error(t).Fields[0].Path != "workflow" {
		t.Errorf("unknown workflow: %s", r)
	}
	r := e.do("POST", "/projects/P1/commands", apply("c1"))
	if r.status != http.StatusOK {
		t.Fatalf("apply: %s", r)
	}
	var cr commandResponse
	json.Unmarshal(r.body, &cr)
	if cr.Version != 2 || cr.State != "applied" || len(cr.Result.Intents) != 1 {
		t.Errorf("apply answered %+v", cr)
	}
	if keys := outboxKeys(t, e); fmt.Sprint(keys) != "[P1/c1/0]" {
		t.Errorf("outbox %v", keys)
	}
	// Retried: the same result and intents, nothing written.
	again := e.do("POST", "/projects/P1/commands", apply("c1"))
	var ar commandResponse
	json.Unmarshal(again.body, &ar)
	if again.status != http.StatusOK || !ar.Result.AlreadyApplied || ar.Version != 2 || len(ar.Result.Intents) != 1 || ar.Result.Intents[0].Key != "c1/0" {
		t.Errorf("retried apply: %s", again)
	}
	if len(outboxKeys(t, e)) != 1 || projectVersion(t, e, "P1") != 2 {
		t.Errorf("the retry wrote")
	}
	// Retried with the version it was sent with: still the same result,
	// not a stale conflict.
	if again := e.do("POST", "/projects/P1/commands", apply("c1"), "If-Match", `"1"`); again.status != http.StatusOK {
		t.Errorf("apply retried with If-Match 1: %s", again)
	}
	stale := workflow.Command{ID: "c9", Event: "cancel", Actor: "clerk-1", Role: "store", At: at(3, 2), Facts: workflow.Facts{"cancel_reason": "x"}}
	if r := e.do("POST", "/projects/P1/commands", stale, "If-Match", `"1"`); r.status != http.StatusConflict || r.error(t).Kind != "stale" {
		t.Errorf("a new command on version 1: %s", r)
	}
	if r := e.do("POST", "/projects/P1/commands", stale, "If-Match", `soon`); r.status != http.StatusBadRequest {
		t.Errorf("a malformed If-Match: %s", r)
	}
	// Refused by a guard: no floor plan.
	measure := workflow.Command{ID: "c2", Event: "measure", Actor: "store-nanshan", Role: "store", At: at(3, 2)}
	g := e.do("POST", "/projects/P1/commands", measure)
	if g.status != http.StatusUnprocessableEntity || !strings.Contains(g.error(t).Error, `guard "floor_plan"`) {
		t.Errorf("measure without a floor plan: %s", g)
	}
	// Refused: the role may not.
	measure.Role = "owner"
	measure.Facts = workflow.Facts{"floor_plan": "plan.pdf"}
	if f := e.do("POST", "/projects/P1/commands", measure); f.status != http.StatusUnprocessableEntity {
		t.Errorf("measure by the owner: %s", f)
	}
	// Same id, other content.
	other := apply("c1")
	other.Actor = "clerk-2"
	if c := e.do("POST", "/projects/P1/commands", other); c.status != http.StatusConflict || c.error(t).Kind != "conflict" {
		t.Errorf("command id reused: %s", c)
	}
	if bad := e.do("POST", "/projects/P1/commands", `{"id": "c3", "event": "measure"}`); bad.status != http.StatusBadRequest && bad.status != http.StatusUnprocessableEntity {
		t.Errorf("incomplete command: %s", bad)
	}
	v := getProject(t, e, "P1")
	if v.Version != 2 || v.State != "applied" || len(v.Snapshot.History) != 1 || len(outboxKeys(t, e)) != 1 {
		t.Errorf("refused commands changed the project: %+v", v)
	}
	measure.Role = "store"
	if ok := e.do("POST", "/projects/P1/commands", measure, "If-Match", `"2"`); ok.status != http.StatusOK {
		t.Errorf("measure: %s", ok)
	}
	if nf := e.do("POST", "/projects/P9/commands", apply("c1")); nf.status != http.StatusNotFound {
		t.Errorf("unknown project: %s", nf)
	}
	// A snapshot altered in the database is the service's failure, not the
	// client's: a 500 that shows nothing of it.
	if _, err := e.db.Exec(`UPDATE projects SET snapshot = jsonb_set(snapshot, '{state}', '"reviewed"') WHERE id = 'P1'`); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/projects/P1", nil); r.status != http.StatusInternalServerError || r.error(t).Error != "internal error" {
		t.Errorf("an altered snapshot: %s", r)
	}
}

// TestTwoClerks: two clerks read one project and fire at once, each naming
// the version read: one wins, the other gets a conflict, nothing is
// overwritten.
func TestTwoClerks(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/projects", projectRequest{ID: "P2"})
	if r := e.do("POST", "/projects/P2/commands", apply("c1")); r.status != http.StatusOK {
		t.Fatal(r)
	}
	v := getProject(t, e, "P2").Version
	cmds := []workflow.Command{
		{ID: "clerk-a", Event: "measure", Actor: "clerk-a", Role: "store", At: at(3, 2), Facts: workflow.Facts{"floor_plan": "a.pdf"}},
		{ID: "clerk-b", Event: "cancel", Actor: "clerk-b", Role: "store", At: at(3, 2), Facts: workflow.Facts{"cancel_reason": "customer moved"}},
	}
	var replies [2]reply
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			replies[i] = e.do("POST", "/projects/P2/commands", cmds[i], "If-Match", etag(v))
		}()
	}
	close(start)
	wg.Wait()
	won := -1
	for i, r := range replies {
		switch r.status {
		case http.StatusOK:
			if won >= 0 {
				t.Fatalf("both clerks won")
			}
			won = i
		case http.StatusConflict:
			if k := r.error(t).Kind; k != "stale" {
				t.Errorf("clerk %d: conflict of kind %q, want stale", i, k)
			}
		default:
			t.Fatalf("clerk %d: %s", i, r)
		}
	}
	if won < 0 {
		t.Fatal("neither clerk won")
	}
	p := getProject(t, e, "P2")
	h := p.Snapshot.History
	if p.Version != v+1 || len(h) != 2 || h[1].Command != cmds[won].ID {
		t.Errorf("after the race: version %d, history %v; want the winner %s only", p.Version, h, cmds[won].ID)
	}
}

// TestFiftyConcurrentCommands: 50 commands at once on one project: each is
// applied exactly once or refused as stale; the history and the outbox
// agree with the answers. Retrying the refused ones applies them all.
func TestFiftyConcurrentCommands(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/projects", projectRequest{ID: "P3"})
	if r := e.do("POST", "/projects/P3/commands", apply("c0")); r.status != http.StatusOK {
		t.Fatal(r)
	}
	const n = 50
	cmd := func(i int) workflow.Command {
		return workflow.Command{ID: fmt.Sprintf("v%02d", i), Event: "buy_live_video", Actor: "owner-1", Role: "owner", At: at(3, 2)}
	}
	status := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := e.do("POST", "/projects/P3/commands", cmd(i))
			status[i] = r.status
			if r.status == http.StatusConflict && r.error(t).Kind != "stale" {
				t.Errorf("command %d: %s", i, r)
			}
		}()
	}
	close(start)
	wg.Wait()
	var applied, refused []string
	for i, s := range status {
		switch s {
		case http.StatusOK:
			applied = append(applied, cmd(i).ID)
		case http.StatusConflict:
			refused = append(refused, cmd(i).ID)
		default:
			t.Fatalf("command %d: status %d", i, s)
		}
	}
	check := func(want []string) {
		t.Helper()
		p := getProject(t, e, "P3")
		var got []string
		for _, h := range p.Snapshot.History[1:] {
			got = append(got, h.Command)
		}
		slices.Sort(got)
		w := slices.Sorted(slices.Values(want))
		if !slices.Equal(got, w) {
			t.Errorf("history %v, want the applied %v", got, w)
		}
		keys := outboxKeys(t, e)
		wantKeys := []string{"P3/c0/0"}
		for _, id := range w {
			wantKeys = append(wantKeys, "P3/"+id+"/0")
		}
		slices.Sort(wantKeys)
		if !slices.Equal(keys, wantKeys) {
			t.Errorf("outbox %v, want %v", keys, wantKeys)
		}
		if p.Version != int64(len(w))+2 {
			t.Errorf("version %d after %d steps", p.Version, len(w)+1)
		}
	}
	t.Logf("%d applied, %d stale at once", len(applied), len(refused))
	if len(applied) == 0 {
		t.Fatal("none applied")
	}
	check(applied)
	for _, id := range refused {
		var i int
		fmt.Sscanf(id, "v%d", &i)
		if r := e.do("POST", "/projects/P3/commands", cmd(i)); r.status != http.StatusOK {
			t.Fatalf("retrying %s: %s", id, r)
		}
	}
	check(append(applied, refused...))
}
