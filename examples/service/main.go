// Command service is a small order service on the o2okit Engine, its state in
// PostgreSQL: orders evaluated and settled into an append-only ledger,
// returns reversed from the stored postings, decoration projects as
// snapshots with optimistic concurrency and an outbox, and party statements
// computed in SQL. See README.md.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/o2okit/o2okit"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	dsn := flag.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL connection string (default $DATABASE_URL)")
	rulebook := flag.String("rulebook", "../rulebook/rulebook.json", "the rulebook to load")
	migrate := flag.Bool("migrate", true, "apply missing migrations at start; when false, refuse a database that lacks any")
	flag.Parse()
	if err := run(*addr, *dsn, *rulebook, *migrate); err != nil {
		log.Fatal(err)
	}
}

// Open loads the rulebook, opens the database and brings its schema to this
// service's (or, with migrate false, checks that it is), and returns the
// service.
func Open(ctx context.Context, dsn, rulebookPath string, migrate bool) (*Server, *sql.DB, error) {
	if dsn == "" {
		return nil, nil, errors.New("no database: pass -dsn or set DATABASE_URL")
	}
	data, err := os.ReadFile(rulebookPath)
	if err != nil {
		return nil, nil, err
	}
	rb, err := o2okit.LoadRulebook(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", rulebookPath, err)
	}
	engine, err := o2okit.NewEngine(rb)
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	if migrate {
		err = Migrate(ctx, db)
	} else {
		err = CheckSchema(ctx, db)
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("schema: %w", err)
	}
	return NewServer(db, engine), db, nil
}

func run(addr, dsn, rulebookPath string, migrate bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, db, err := Open(ctx, dsn, rulebookPath, migrate)
	if err != nil {
		return err
	}
	defer db.Close()
	hs := &http.Server{Addr: addr, Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	log.Printf("o2okit service listening on %s", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}
