package month

import (
	"fmt"

	"github.com/o2okit/o2okit/o2o"
)

// Config sizes a generated month. The same Config always generates the same
// month, byte for byte.
type Config struct {
	// Seed seeds the generator.
	Seed int64 `json:"seed"`
	// Lines is the number of order lines in the month: orders of one to
	// three lines are generated until there are exactly this many.
	Lines int `json:"lines"`
	// Journeys is the number of customer journeys (one customer's touches
	// and conversions each) for drainage attribution.
	Journeys int `json:"journeys"`
	// Provinces is how many of the 31 mainland provinces the network spans
	// (1 to 31), in code order from Beijing (110000).
	Provinces int `json:"provinces"`
	// Customers is the number of retail customers per province.
	Customers int `json:"customers"`
	// CreditCustomers is the number of group-account customers per province
	// buying on a credit line (an overdraft limit on their account).
	CreditCustomers int `json:"creditCustomers"`
	// CreditLimit is each credit line, in whole yuan.
	CreditLimit int64 `json:"creditLimit"`
	// GroupShare is the share of orders placed by credit customers, in
	// percent (0 to 100).
	GroupShare int `json:"groupShare"`
}

// Small returns the size the tests and CI run in seconds: 2,000 order lines
// and 3,000 journeys over 31 provinces.
func Small() Config {
	return Config{Seed: 2026, Lines: 2_000, Journeys: 3_000, Provinces: 31, Customers: 40,
		CreditCustomers: 2, CreditLimit: 30_000, GroupShare: 4}
}

// Full returns the national month: 1,000,000 order lines and 5,000,000
// journeys over 31 provinces.
func Full() Config {
	return Config{Seed: 2026, Lines: 1_000_000, Journeys: 5_000_000, Provinces: 31, Customers: 20_000,
		CreditCustomers: 6, CreditLimit: 400_000, GroupShare: 3}
}

// Sized returns the Config a size's name stands for: "small" (Small) or
// "full" (Full). Another name wraps o2o.ErrInvalid.
func Sized(name string) (Config, error) {
	switch name {
	case "small":
		return Small(), nil
	case "full":
		return Full(), nil
	}
	return Config{}, o2o.Invalidf("size", "must be small or full, got %q", name)
}

// Breach returns a small month built to go over its credit lines: one
// credit customer per province, buying a third of the orders on a
// 20,000-yuan line, so that some of its orders are refused.
func Breach() Config {
	return Config{Seed: 5, Lines: 3_000, Journeys: 200, Provinces: 4, Customers: 20, CreditCustomers: 1, CreditLimit: 20_000, GroupShare: 33}
}

// maxSize bounds the lines and journeys, and maxCustomers the customers
// of a province, so that a Config cannot ask for unbounded memory (a
// month of Full's size takes about 15 GB; memory grows with the size).
const (
	maxSize      = 10_000_000
	maxCustomers = 1_000_000
)

// Validate checks the sizes. Errors wrap o2o.ErrInvalid.
func (c Config) Validate() error {
	switch {
	case c.Lines < 1 || c.Lines > maxSize:
		return o2o.Invalidf("lines", "must be 1 to %d, got %d", maxSize, c.Lines)
	case c.Journeys < 0 || c.Journeys > maxSize:
		return o2o.Invalidf("journeys", "must be 0 to %d, got %d", maxSize, c.Journeys)
	case c.Provinces < 1 || c.Provinces > len(provinces):
		return o2o.Invalidf("provinces", "must be 1 to %d, got %d", len(provinces), c.Provinces)
	case c.Customers < 1 || c.Customers > maxCustomers:
		return o2o.Invalidf("customers", "must be 1 to %d, got %d", maxCustomers, c.Customers)
	case c.CreditCustomers < 0 || c.CreditCustomers > 1000:
		return o2o.Invalidf("creditCustomers", "must be 0 to 1000, got %d", c.CreditCustomers)
	case c.CreditLimit < 0 || c.CreditLimit > 1_000_000_000:
		return o2o.Invalidf("creditLimit", "must be 0 to 1,000,000,000 yuan, got %d", c.CreditLimit)
	case c.GroupShare < 0 || c.GroupShare > 100:
		return o2o.Invalidf("groupShare", "must be 0 to 100, got %d", c.GroupShare)
	case c.GroupShare > 0 && c.CreditCustomers == 0:
		return o2o.Invalid("creditCustomers", "must be at least 1 when groupShare is above 0")
	}
	return nil
}

// String returns the sizes in one line.
func (c Config) String() string {
	return fmt.Sprintf("seed %d, %d order lines, %d journeys, %d provinces", c.Seed, c.Lines, c.Journeys, c.Provinces)
}
