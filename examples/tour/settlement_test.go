package main

import "testing"

// TestSettlementStep runs the tour's settlement step: it must finish without
// error (its own checks: the balances sum to zero, the hash chain verifies).
func TestSettlementStep(t *testing.T) {
	if err := settlementStep(); err != nil {
		t.Fatal(err)
	}
}
