package month

import (
	"errors"
	"sync"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// setups holds one setup per number of provinces, built once: building
// the national rulebook dominates a small month.
var setups sync.Map

// setupFor returns the setup of a month over n provinces.
func setupFor(t *testing.T, n int) *Setup {
	if s, ok := setups.Load(n); ok {
		return s.(*Setup)
	}
	cfg := Small()
	cfg.Provinces = n
	s, err := NewSetup(cfg)
	if err != nil {
		t.Fatal(err)
	}
	setups.Store(n, s)
	return s
}

// FuzzClose generates months from fuzzed configs (kept small): a config
// Validate refuses gives an error wrapping o2o.ErrInvalid, never a panic;
// any other closes alike on one worker and on several.
func FuzzClose(f *testing.F) {
	f.Add(int64(1), 100, 50, 3, 5, 1, int64(2_000), 20, uint8(3))
	f.Add(int64(2), 1, 0, 31, 1, 0, int64(0), 0, uint8(2))
	f.Add(int64(3), 400, 300, 1, 2, 2, int64(50_000), 60, uint8(7))
	f.Add(int64(4), 0, -1, 32, 0, -1, int64(-1), 101, uint8(0))
	f.Fuzz(func(t *testing.T, seed int64, lines, journeys, provinces, customers, credit int, limit int64, share int, workers uint8) {
		cfg := Config{Seed: seed, Lines: lines % 120, Journeys: journeys % 120, Provinces: provinces, Customers: customers % 1000,
			CreditCustomers: credit, CreditLimit: limit, GroupShare: share}
		if err := cfg.Validate(); err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("%+v: %v does not wrap o2o.ErrInvalid", cfg, err)
			}
			if _, gerr := Generate(cfg); gerr == nil || gerr.Error() != err.Error() {
				t.Fatalf("%+v: Generate gave %v, Validate %v", cfg, gerr, err)
			}
			return
		}
		m := setupFor(t, cfg.Provinces).with(cfg).generate()
		one, err := Run(m, 1)
		if err != nil {
			t.Fatal(err)
		}
		w := 2 + int(workers%4)
		many, err := Run(m, w)
		if err != nil {
			t.Fatal(err)
		}
		if d := one.Diff(many); len(d) > 0 {
			t.Fatalf("%+v on %d workers: %v", cfg, w, d)
		}
	})
}
