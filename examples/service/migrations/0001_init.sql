-- 0001_init: the reference schema of the o2okit order service.
--
-- Money is kept two ways, to show both:
--   * a NUMERIC amount beside a CHAR(3) currency (postings): sums, filters and
--     statements are computed in SQL, exactly; the Go side scans the amount into
--     o2o.Decimal and the currency into o2o.Currency and joins them with
--     o2o.NewMoneyIn;
--   * one TEXT column holding Money's own text form, '8198.00 CNY' (orders.pays),
--     written by Money's driver.Valuer and read by its sql.Scanner.
-- Keys compare byte by byte (COLLATE "C"), as the SDK orders them.

-- Orders evaluated and settled. The order id is the idempotency key of
-- POST /orders: a retry with the same request gets the stored response.
CREATE TABLE orders (
    id           TEXT COLLATE "C" PRIMARY KEY,
    request_hash TEXT NOT NULL,          -- SHA-256 of the canonical request
    request      JSONB NOT NULL,         -- {order, circumstances} as decoded
    pays         TEXT NOT NULL,          -- what the customer pays, '8198.00 CNY'
    response     JSON NOT NULL,          -- the answer given, byte for byte, returned again on retry
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The append-only ledger: every posting the service made, in the order it
-- made them. The posting key is the idempotency key, a unique constraint.
CREATE TABLE postings (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    key          TEXT COLLATE "C" PRIMARY KEY,
    batch        TEXT COLLATE "C" NOT NULL,  -- the order or return that made it
    kind         TEXT NOT NULL,               -- settlement.Kind
    from_account TEXT COLLATE "C" NOT NULL,
    to_account   TEXT COLLATE "C" NOT NULL,
    amount       NUMERIC NOT NULL CHECK (amount > 0),
    currency     CHAR(3) NOT NULL,
    order_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    ref          TEXT COLLATE "C" NOT NULL DEFAULT '',
    at           TIMESTAMPTZ NOT NULL,
    CHECK (from_account <> to_account)
);
CREATE INDEX postings_order ON postings (order_id, seq);
CREATE INDEX postings_from ON postings (from_account, at);
CREATE INDEX postings_to ON postings (to_account, at);

-- Append-only: a posting is corrected by a reversal, never by an edit.
CREATE FUNCTION postings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'postings are append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION postings_append_only();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION postings_append_only();

-- Returns made, keyed by order and return id: a retried return gets the
-- stored response.
CREATE TABLE returns (
    order_id     TEXT COLLATE "C" NOT NULL REFERENCES orders (id),
    id           TEXT COLLATE "C" NOT NULL,
    request_hash TEXT NOT NULL,
    response     JSON NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, id)
);

-- Decoration projects: the workflow snapshot, with a version for optimistic
-- concurrency (a write names the version it read; a stale write changes nothing).
CREATE TABLE projects (
    id          TEXT COLLATE "C" PRIMARY KEY,
    workflow    TEXT NOT NULL,
    version     BIGINT NOT NULL CHECK (version > 0),
    state       TEXT NOT NULL,
    snapshot    JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The outbox: intents handed out by project steps, written in the same
-- transaction as the snapshot, keyed by project id and the intent's Key, so a
-- step's intents are stored once however often the command is retried. A
-- relay sends the unsent ones and sets sent_at.
CREATE TABLE outbox (
    key         TEXT COLLATE "C" PRIMARY KEY,   -- project id '/' intent Key
    project_id  TEXT COLLATE "C" NOT NULL REFERENCES projects (id),
    kind        TEXT NOT NULL,
    role        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at     TIMESTAMPTZ
);
CREATE INDEX outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL;
