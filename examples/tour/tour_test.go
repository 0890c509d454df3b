package main

import "testing"

// TestTour runs the whole tour: every step checks its own figures (allocations
// sum to the cost, ledger balances sum to zero, the hash chain verifies) and
// returns an error when one does not hold.
func TestTour(t *testing.T) {
	if err := run(); err != nil {
		t.Fatal(err)
	}
}
