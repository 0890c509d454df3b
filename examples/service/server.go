package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/workflow"
)

// MaxBody is the largest request body the service reads.
const MaxBody = 1 << 20

// Server is the order service: the Engine behind HTTP, its state in
// PostgreSQL. It is safe for concurrent use; every request that writes does
// so in one transaction, so that a refused or failed request leaves nothing.
type Server struct {
	db       *sql.DB
	engine   *o2okit.Engine
	currency o2o.Currency
	mux      *http.ServeMux
	// beforeCommit, when set, runs inside each writing transaction just
	// before the commit, naming the step ("order", "return", "command");
	// an error rolls the transaction back. Tests use it to crash between
	// steps.
	beforeCommit func(ctx context.Context, tx *sql.Tx, step string) error
	logf         func(format string, args ...any)
}

// NewServer returns a service on db, which must hold this service's schema
// (see Migrate), evaluating with engine. Ledger amounts are in the
// currency of the rulebook's price book, CNY for the sample.
func NewServer(db *sql.DB, engine *o2okit.Engine) *Server {
	s := &Server{db: db, engine: engine, currency: o2o.CNY, logf: log.Printf}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", s.postOrder)
	mux.HandleFunc("GET /orders/{id}", s.getOrder)
	mux.HandleFunc("POST /orders/{id}/returns", s.postReturn)
	mux.HandleFunc("POST /projects", s.postProject)
	mux.HandleFunc("GET /projects/{id}", s.getProject)
	mux.HandleFunc("POST /projects/{id}/commands", s.postCommand)
	mux.HandleFunc("GET /parties/{id}/statement", s.getStatement)
	s.mux = mux
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// ---- errors ----

// apiError is the JSON body of every error response.
type apiError struct {
	// Error says what went wrong, in the SDK's words where the SDK refused.
	Error string `json:"error"`
	// Kind classifies it: "bad_request", "invalid", "conflict", "stale",
	// "not_found", "internal".
	Kind string `json:"kind"`
	// Fields lists the fields at fault, by JSON path in the request.
	Fields []o2o.FieldError `json:"fields,omitempty"`
}

var (
	errNotFound = errors.New("not found")
	errStale    = errors.New("stale")
	errConflict = errors.New("conflict")
	errBadReq   = errors.New("bad request")
)

// failure returns an error of kind base with the message and, from err,
// the field paths under prefix.
type failure struct {
	kind   error
	msg    string
	err    error
	prefix string
}

func (f *failure) Error() string { return f.msg }
func (f *failure) Unwrap() error { return f.kind }

func fail(kind error, err error, prefix string) error {
	return &failure{kind: kind, msg: err.Error(), err: err, prefix: prefix}
}

func failf(kind error, format string, args ...any) error {
	return &failure{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// writeError answers err with the right status: 400 for a body that does
// not decode, 422 for input the SDK refuses, 409 for a conflict or a stale
// write, 404, and 500 (logged, not shown) for anything else.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	var f *failure
	if !errors.As(err, &f) {
		// Not the client's doing: a database error, or stored data the
		// SDK refuses (which says the database was altered).
		s.logf("internal error: %v", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error", Kind: "internal"})
		return
	}
	body := apiError{Error: f.msg}
	var status int
	switch {
	case errors.Is(f.kind, errBadReq):
		status, body.Kind = http.StatusBadRequest, "bad_request"
	case errors.Is(f.kind, errNotFound):
		status, body.Kind = http.StatusNotFound, "not_found"
	case errors.Is(f.kind, errStale):
		status, body.Kind = http.StatusConflict, "stale"
	case errors.Is(f.kind, errConflict):
		status, body.Kind = http.StatusConflict, "conflict"
	default:
		status, body.Kind = http.StatusUnprocessableEntity, "invalid"
	}
	var ve *o2o.ValidationError
	if f.err != nil && errors.As(f.err, &ve) {
		if errors.As(o2o.Prefix(f.prefix, ve), &ve) {
			body.Fields = ve.Fields
		}
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"internal error","kind":"internal"}`, http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, data)
}

func writeRaw(w http.ResponseWriter, status int, data []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)         //nolint:errcheck
	w.Write([]byte("\n")) //nolint:errcheck
}

// decode reads the body strictly into v with the SDK's decoder: unknown or
// repeated fields, trailing data, invalid UTF-8 and too deep or too wide
// documents are refused, with the JSON path at fault.
func decode(r *http.Request, v any) error {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBody))
	if err != nil {
		return failf(errBadReq, "request body: %v", err)
	}
	if err := o2o.DecodeJSON(data, v); err != nil {
		return fail(errBadReq, err, "")
	}
	return nil
}

// checkInstant refuses an instant PostgreSQL's timestamptz would not keep
// exactly: it holds microseconds, and the postings read back must be the
// postings made.
func checkInstant(path string, t time.Time) error {
	if t.Nanosecond()%1000 != 0 {
		return fail(o2o.ErrInvalid, o2o.Invalidf(path, "%s has a fraction of a microsecond, which the database does not keep", t.Format(time.RFC3339Nano)), "")
	}
	return nil
}

// hash is the hex SHA-256 of v's JSON: the identity of a request, for
// telling a retry from a different request under the same key.
func hash(v any) (string, []byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), data, nil
}

// inTx runs fn in a transaction and commits it, after beforeCommit; any
// error rolls everything back.
func (s *Server) inTx(ctx context.Context, step string, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	if err := fn(tx); err != nil {
		return err
	}
	if s.beforeCommit != nil {
		if err := s.beforeCommit(ctx, tx, step); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// uniqueViolation reports a unique constraint that refused an insert.
func uniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && (constraint == "" || pe.ConstraintName == constraint)
}

// ---- postings ----

// insertPostings appends postings to the ledger, made by batch. A key
// already taken is refused by the table's unique constraint, which rolls
// the transaction back; the answer is a 409 with the SDK's explanation.
func (s *Server) insertPostings(ctx context.Context, tx *sql.Tx, batch string, ps []settlement.Posting) error {
	if len(ps) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO postings (key, batch, kind, from_account, to_account, amount, currency, order_id, ref, at) VALUES `)
	args := make([]any, 0, 10*len(ps))
	for i, p := range ps {
		if i > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10)
		// The kind by settlement.Kind's driver.Valuer, the amount by
		// o2o.Decimal's into NUMERIC, the currency by o2o.Currency's into
		// CHAR(3).
		args = append(args, p.Key, batch, p.Kind, p.From, p.To, o2o.Dec(p.Amount.Amount()), p.Amount.Currency(), p.Order, p.Ref, p.At)
	}
	_, err := tx.ExecContext(ctx, q.String(), args...)
	if uniqueViolation(err, "postings_pkey") {
		return s.postingConflict(ctx, ps)
	}
	return err
}

// postingConflict explains a unique violation on postings.key with the
// SDK's *settlement.ConflictError: the stored postings under the batch's
// keys are replayed into a ledger and the batch applied to it.
func (s *Server) postingConflict(ctx context.Context, ps []settlement.Posting) error {
	keys := make([]string, len(ps))
	for i, p := range ps {
		keys[i] = p.Key
	}
	stored, err := postingsWhere(ctx, s.db, `key = ANY($1)`, keys)
	if err != nil {
		return err
	}
	ledger, err := settlement.NewLedger(settlement.Config{Currency: s.currency})
	if err == nil {
		_, err = ledger.Apply(settlement.Batch{Postings: stored})
	}
	if err == nil {
		_, err = ledger.Apply(settlement.Batch{Postings: ps})
	}
	if errors.Is(err, settlement.ErrConflict) {
		return fail(errConflict, err, "")
	}
	if err != nil {
		return fmt.Errorf("explaining a taken posting key: %v", err)
	}
	return failf(errConflict, "postings %s: a key was taken by a concurrent request", strings.Join(keys, ", "))
}

const postingColumns = `key, kind, from_account, to_account, amount, currency, order_id, ref, at`

// scanPosting reads a posting from postingColumns: the amount from its
// NUMERIC column into an o2o.Decimal, the currency from its CHAR(3) column
// into an o2o.Currency, joined with o2o.NewMoneyIn.
func scanPosting(row interface{ Scan(...any) error }, extra ...any) (settlement.Posting, error) {
	var p settlement.Posting
	var amount o2o.Decimal
	var cur o2o.Currency
	dest := append([]any{&p.Key, &p.Kind, &p.From, &p.To, &amount, &cur, &p.Order, &p.Ref, &p.At}, extra...)
	if err := row.Scan(dest...); err != nil {
		return p, err
	}
	m, err := o2o.NewMoneyIn(amount.Decimal, cur)
	if err != nil {
		return p, fmt.Errorf("posting %q: %v", p.Key, err)
	}
	p.Amount = m
	p.At = p.At.In(o2o.China())
	return p, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// postingsWhere returns the postings matching the condition, in the order
// they were made.
func postingsWhere(ctx context.Context, q querier, cond string, args ...any) ([]settlement.Posting, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+postingColumns+` FROM postings WHERE `+cond+` ORDER BY seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ps := []settlement.Posting{}
	for rows.Next() {
		p, err := scanPosting(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// ---- orders ----

// orderRequest is the body of POST /orders.
type orderRequest struct {
	Order         o2o.Order            `json:"order"`
	Circumstances o2okit.Circumstances `json:"circumstances,omitzero"`
}

// orderResponse is the answer to POST /orders, stored and given again to a
// retry.
type orderResponse struct {
	Order      string               `json:"order"`
	Pays       o2o.Money            `json:"pays"`
	Postings   []settlement.Posting `json:"postings"`
	Explain    string               `json:"explain"`
	Evaluation *o2okit.Evaluation   `json:"evaluation"`
}

// postOrder evaluates an order and posts its split, in one transaction. The
// order id is the idempotency key: the same request again gets the stored
// answer (200) and posts nothing; another request under the same id is a
// 409 that says what differs.
func (s *Server) postOrder(w http.ResponseWriter, r *http.Request) {
	var req orderRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if err := checkInstant("order.at", req.Order.At); err != nil {
		s.writeError(w, err)
		return
	}
	ev, err := s.engine.Evaluate(req.Order, req.Circumstances)
	if err != nil {
		s.writeError(w, fail(o2o.ErrInvalid, requestPaths(err), ""))
		return
	}
	sum, canonical, err := hash(req)
	if err != nil {
		s.writeError(w, fail(o2o.ErrInvalid, err, ""))
		return
	}
	resp, err := json.Marshal(orderResponse{Order: req.Order.ID, Pays: ev.Payable.Pays, Postings: ev.Batch().Postings, Explain: ev.Explain(), Evaluation: ev})
	if err != nil {
		s.writeError(w, err)
		return
	}
	ctx := r.Context()
	created := false
	err = s.inTx(ctx, "order", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO orders (id, request_hash, request, pays, response)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, req.Order.ID, sum, canonical, ev.Payable.Pays, resp)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // a retry, or another request under the id: answered below
		}
		created = true
		return s.insertPostings(ctx, tx, req.Order.ID, ev.Batch().Postings)
	})
	switch {
	case err != nil:
		s.writeError(w, err)
	case created:
		w.Header().Set("Location", "/orders/"+req.Order.ID)
		writeRaw(w, http.StatusCreated, resp)
	default:
		s.orderAgain(w, r.Context(), req.Order.ID, sum, ev)
	}
}

// orderAgain answers a request for an order id already taken: the stored
// answer when it is the same request, else a 409. The conflict is
// explained by the SDK when the postings differ: the stored postings are
// replayed into a ledger, and the new ones applied to it.
func (s *Server) orderAgain(w http.ResponseWriter, ctx context.Context, id, sum string, ev *o2okit.Evaluation) {
	var stored string
	var resp []byte
	err := s.db.QueryRowContext(ctx, `SELECT request_hash, response FROM orders WHERE id = $1`, id).Scan(&stored, &resp)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if stored == sum {
		w.Header().Set("Idempotent-Replay", "true")
		writeRaw(w, http.StatusOK, resp)
		return
	}
	posted, err := postingsWhere(ctx, s.db, `batch = $1`, id)
	if err != nil {
		s.writeError(w, err)
		return
	}
	ledger, err := settlement.NewLedger(settlement.Config{Currency: s.currency})
	if err == nil {
		_, err = ledger.Apply(settlement.Batch{ID: id, Postings: posted})
	}
	if err != nil {
		s.writeError(w, fmt.Errorf("replaying the postings of order %q: %v", id, err))
		return
	}
	if _, err := ledger.Apply(ev.Batch()); err != nil {
		s.writeError(w, failf(errConflict, "order %q was placed before with other content: %v", id, err))
		return
	}
	s.writeError(w, failf(errConflict, "order %q was placed before with other content; its postings stand: place a new order under a new id", id))
}

// requestPaths puts the field paths of an Evaluate error under the part of
// the request they name: "clearance[0].line" under "circumstances", the rest
// under "order".
func requestPaths(err error) error {
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &o2o.ValidationError{Fields: make([]o2o.FieldError, len(ve.Fields)), Total: ve.Total, Err: ve.Err}
	for i, f := range ve.Fields {
		part := "order"
		if strings.HasPrefix(f.Path, "clearance") {
			part = "circumstances"
		}
		out.Fields[i] = o2o.FieldError{Path: part, Reason: f.Reason}
		if f.Path != "" {
			out.Fields[i].Path = part + "." + f.Path
		}
	}
	return &mapped{msg: err.Error(), ve: out}
}

// mapped is an error with its message kept and its field paths remapped.
type mapped struct {
	msg string
	ve  *o2o.ValidationError
}

func (m *mapped) Error() string { return m.msg }
func (m *mapped) Unwrap() error { return m.ve }

// getOrder returns the answer POST /orders gave for the order.
func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var resp []byte
	var pays o2o.Money // read from its one TEXT column by Money's sql.Scanner
	err := s.db.QueryRowContext(r.Context(), `SELECT response, pays FROM orders WHERE id = $1`, id).Scan(&resp, &pays)
	if errors.Is(err, sql.ErrNoRows) {
		s.writeError(w, failf(errNotFound, "no order %q", id))
		return
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("X-Pays", pays.String())
	writeRaw(w, http.StatusOK, resp)
}

// ---- returns ----

// returnResponse is the answer to POST /orders/{id}/returns.
type returnResponse struct {
	Order    string               `json:"order"`
	Return   string               `json:"return"`
	Postings []settlement.Posting `json:"postings"`
}

// postReturn reverses returned lines exactly. The order's row is locked for
// the transaction, its state is rebuilt from the stored postings by
// Engine.Return, and the reversals are appended. The return id is the
// idempotency key within the order.
func (s *Server) postReturn(w http.ResponseWriter, r *http.Request) {
	orderID := r.PathValue("id")
	var ret o2okit.Return
	if err := decode(r, &ret); err != nil {
		s.writeError(w, err)
		return
	}
	if err := checkInstant("at", ret.At); err != nil {
		s.writeError(w, err)
		return
	}
	sum, _, err := hash(ret)
	if err != nil {
		s.writeError(w, fail(o2o.ErrInvalid, err, ""))
		return
	}
	ctx := r.Context()
	var resp []byte
	status := http.StatusCreated
	err = s.inTx(ctx, "return", func(tx *sql.Tx) error {
		var reqJSON []byte
		err := tx.QueryRowContext(ctx, `SELECT request FROM orders WHERE id = $1 FOR UPDATE`, orderID).Scan(&reqJSON)
		if errors.Is(err, sql.ErrNoRows) {
			return failf(errNotFound, "no order %q", orderID)
		}
		if err != nil {
			return err
		}
		var stored string
		err = tx.QueryRowContext(ctx, `SELECT request_hash, response FROM returns WHERE order_id = $1 AND id = $2`, orderID, ret.ID).Scan(&stored, &resp)
		switch {
		case err == nil && stored == sum:
			status = http.StatusOK
			return nil
		case err == nil:
			return failf(errConflict, "return %q of order %q was made before with other content", ret.ID, orderID)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var req orderRequest
		if err := json.Unmarshal(reqJSON, &req); err != nil {
			return fmt.Errorf("stored order %q: %v", orderID, err)
		}
		posted, err := postingsWhere(ctx, tx, `order_id = $1`, orderID)
		if err != nil {
			return err
		}
		batch, err := s.engine.Return(posted, req.Order, ret)
		if err != nil {
			return fail(o2o.ErrInvalid, err, "")
		}
		if resp, err = json.Marshal(returnResponse{Order: orderID, Return: ret.ID, Postings: batch.Postings}); err != nil {
			return err
		}
		if err := s.insertPostings(ctx, tx, orderID+"/returns/"+ret.ID, batch.Postings); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO returns (order_id, id, request_hash, response) VALUES ($1, $2, $3, $4)`, orderID, ret.ID, sum, resp)
		return err
	})
	if err != nil {
		s.writeError(w, err)
		return
	}
	if status == http.StatusOK {
		w.Header().Set("Idempotent-Replay", "true")
	}
	writeRaw(w, status, resp)
}

// ---- projects ----

// projectRequest is the body of POST /projects.
type projectRequest struct {
	ID string `json:"id"`
	// Workflow names the rulebook's workflow; default "decoration".
	Workflow string `json:"workflow,omitempty"`
}

// projectView is a project as GET /projects/{id} shows it.
type projectView struct {
	ID        string            `json:"id"`
	Workflow  string            `json:"workflow"`
	Version   int64             `json:"version"`
	State     string            `json:"state"`
	Available []string          `json:"available"`
	Snapshot  workflow.Snapshot `json:"snapshot"`
}

// commandResponse is the answer to POST /projects/{id}/commands.
type commandResponse struct {
	Project string          `json:"project"`
	Version int64           `json:"version"`
	State   string          `json:"state"`
	Result  workflow.Result `json:"result"`
}

func view(id string, version int64, in *workflow.Instance) projectView {
	return projectView{ID: id, Workflow: in.Definition().Name(), Version: version, State: in.State(),
		Available: in.Available(), Snapshot: in.Snapshot()}
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// postProject starts a project on a workflow of the rulebook.
func (s *Server) postProject(w http.ResponseWriter, r *http.Request) {
	var req projectRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if req.Workflow == "" {
		req.Workflow = "decoration"
	}
	var faults o2o.Faults
	if req.ID == "" || len(req.ID) > 128 || strings.Contains(req.ID, "/") {
		faults.Add("id", "is required: at most 128 bytes, no slash")
	}
	def, ok := s.engine.Rulebook().Workflow(req.Workflow)
	if !ok {
		faults.Add("workflow", fmt.Sprintf("the rulebook has no workflow %q", req.Workflow))
	}
	if err := faults.Err(); err != nil {
		s.writeError(w, fail(o2o.ErrInvalid, err, ""))
		return
	}
	in := workflow.New(def)
	snap, err := json.Marshal(in.Snapshot())
	if err != nil {
		s.writeError(w, err)
		return
	}
	res, err := s.db.ExecContext(r.Context(), `INSERT INTO projects (id, workflow, version, state, snapshot) VALUES ($1, $2, 1, $3, $4)
		ON CONFLICT (id) DO NOTHING`, req.ID, req.Workflow, in.State(), snap)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		s.writeError(w, failf(errConflict, "project %q exists", req.ID))
		return
	}
	w.Header().Set("Location", "/projects/"+req.ID)
	w.Header().Set("ETag", etag(1))
	writeJSON(w, http.StatusCreated, view(req.ID, 1, in))
}

// loadProject restores a project from its stored snapshot.
func (s *Server) loadProject(ctx context.Context, id string) (*workflow.Instance, int64, error) {
	var name string
	var version int64
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT workflow, version, snapshot FROM projects WHERE id = $1`, id).Scan(&name, &version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, failf(errNotFound, "no project %q", id)
	}
	if err != nil {
		return nil, 0, err
	}
	def, ok := s.engine.Rulebook().Workflow(name)
	if !ok {
		return nil, 0, fmt.Errorf("project %q runs on workflow %q, which the rulebook no longer has", id, name)
	}
	var snap workflow.Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, 0, fmt.Errorf("project %q: stored snapshot: %v", id, err)
	}
	in, err := workflow.Restore(def, snap)
	if err != nil {
		return nil, 0, fmt.Errorf("project %q: stored snapshot: %v", id, err)
	}
	return in, version, nil
}

// getProject returns a project, its version in the ETag.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	in, version, err := s.loadProject(r.Context(), id)
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("ETag", etag(version))
	writeJSON(w, http.StatusOK, view(id, version, in))
}

// postCommand fires a command on a project with optimistic concurrency: the
// snapshot is read with its version, the command fired on it, and the new
// snapshot written only if the version is still the one read (and the one
// in If-Match, when the client sends it). A stale write is a 409 and
// changes nothing; the client reads the project again and decides. The
// step's intents go into the outbox in the same transaction, keyed by
// project id and intent Key. A command the workflow refuses is a 422 with
// the guard's (or role's, or transition's) explanation; a command id
// reused with other content is a 409; a command already applied gets its
// result again, with its intents, whatever version it names.
func (s *Server) postCommand(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var cmd workflow.Command
	if err := decode(r, &cmd); err != nil {
		s.writeError(w, err)
		return
	}
	if err := checkInstant("at", cmd.At); err != nil {
		s.writeError(w, err)
		return
	}
	want := int64(-1)
	if m := r.Header.Get("If-Match"); m != "" {
		v, err := strconv.ParseInt(strings.Trim(m, `"`), 10, 64)
		if err != nil || v <= 0 {
			s.writeError(w, failf(errBadReq, "If-Match: want a project version such as \"3\", got %q", m))
			return
		}
		want = v
	}
	ctx := r.Context()
	in, version, err := s.loadProject(ctx, id)
	if err != nil {
		s.writeError(w, err)
		return
	}
	res, err := in.Fire(ctx, cmd)
	if want >= 0 && want != version && (err != nil || !res.AlreadyApplied) {
		// A retry of a command applied since is answered below; anything
		// else was decided on a version that is gone.
		s.writeError(w, failf(errStale, "project %q is at version %d, not %d: read it again", id, version, want))
		return
	}
	switch {
	case errors.Is(err, workflow.ErrConflict):
		s.writeError(w, fail(errConflict, err, ""))
		return
	case err != nil:
		s.writeError(w, fail(o2o.ErrInvalid, err, ""))
		return
	}
	if res.AlreadyApplied {
		// Nothing changed; the step's intents were stored with it.
		writeJSON(w, http.StatusOK, commandResponse{Project: id, Version: version, State: in.State(), Result: res})
		return
	}
	snap, err := json.Marshal(in.Snapshot())
	if err != nil {
		s.writeError(w, err)
		return
	}
	err = s.inTx(ctx, "command", func(tx *sql.Tx) error {
		upd, err := tx.ExecContext(ctx, `UPDATE projects SET version = version + 1, state = $1, snapshot = $2, updated_at = now()
			WHERE id = $3 AND version = $4`, in.State(), snap, id, version)
		if err != nil {
			return err
		}
		if n, err := upd.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return failf(errStale, "project %q changed since version %d was read: read it again", id, version)
		}
		for _, it := range res.Intents {
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, project_id, kind, role, note) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (key) DO NOTHING`, id+"/"+it.Key, id, it.Kind, string(it.Role), it.Note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("ETag", etag(version+1))
	writeJSON(w, http.StatusOK, commandResponse{Project: id, Version: version + 1, State: in.State(), Result: res})
}

// ---- statements ----

// getStatement returns a party's statement for a month (?month=2026-11, read
// in China's +08:00), computed in SQL from the stored postings: the opening
// balance, credits and debits summed over the NUMERIC amounts, each line's
// running balance by a window over (at, key), the order the SDK's
// Ledger.Statement uses. It has the shape of settlement.Statement, and is
// equal to it for the same postings.
func (s *Server) getStatement(w http.ResponseWriter, r *http.Request) {
	account := r.PathValue("id")
	month := r.URL.Query().Get("month")
	t, err := time.Parse("2006-01", month)
	if err != nil {
		s.writeError(w, fail(errBadReq, o2o.Invalidf("month", "want a month such as 2026-11, got %q", month), ""))
		return
	}
	period := settlement.Month(t.Year(), t.Month(), o2o.China())
	st, err := s.statement(r.Context(), account, period)
	if err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

const statementMine = `WITH mine AS (
	SELECT ` + postingColumns + `, seq,
		CASE WHEN to_account = $1 THEN amount ELSE -amount END AS signed,
		CASE WHEN to_account = $1 THEN from_account ELSE to_account END AS counterparty
	FROM postings
	WHERE (from_account = $1 OR to_account = $1) AND currency = $2 AND at < $4)
`

// statement computes account's statement for period in SQL, in one
// repeatable-read snapshot of the ledger.
func (s *Server) statement(ctx context.Context, account string, period settlement.Period) (settlement.Statement, error) {
	st := settlement.Statement{Account: account, Period: period, Lines: []settlement.StatementLine{}}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return st, err
	}
	defer tx.Rollback() //nolint:errcheck
	var opening, credits, debits, closing o2o.Decimal
	err = tx.QueryRowContext(ctx, statementMine+`SELECT
		COALESCE(SUM(signed) FILTER (WHERE at < $3), 0),
		COALESCE(SUM(signed) FILTER (WHERE at >= $3 AND signed > 0), 0),
		COALESCE(-SUM(signed) FILTER (WHERE at >= $3 AND signed < 0), 0),
		COALESCE(SUM(signed), 0)
		FROM mine`, account, s.currency, period.From, period.To).Scan(&opening, &credits, &debits, &closing)
	if err != nil {
		return st, err
	}
	money := func(d o2o.Decimal) o2o.Money {
		m, _ := o2o.NewMoneyIn(d.Decimal, s.currency) // a sum of stored amounts
		return m
	}
	st.Opening, st.Credits, st.Debits, st.Closing = money(opening), money(credits), money(debits), money(closing)
	rows, err := tx.QueryContext(ctx, statementMine+`SELECT `+postingColumns+`, counterparty, signed,
		SUM(signed) OVER (ORDER BY at, key ROWS UNBOUNDED PRECEDING) + $5
		FROM mine WHERE at >= $3 ORDER BY at, key`, account, s.currency, period.From, period.To, opening)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var l settlement.StatementLine
		var signed, balance o2o.Decimal
		if l.Posting, err = scanPosting(rows, &l.Counterparty, &signed, &balance); err != nil {
			return st, err
		}
		l.Amount, l.Balance = money(signed), money(balance)
		st.Lines = append(st.Lines, l)
	}
	return st, rows.Err()
}
