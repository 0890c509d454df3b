package drainage

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

func capacityConfig(t testing.TB, js string) CapacityConfig {
	t.Helper()
	c, err := ParseCapacityConfig([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func budgets(p *CapacityPlan) map[string]string {
	out := map[string]string{}
	for _, a := range p.Accounts {
		out[a.StoreID] = a.Budget.AmountString()
	}
	return out
}

// Worked by hand: weights 20, 30, 25, 0 (capacity × conversion), W = 75.
// s1's share 10000 × 20/75 = 2666.67 passes its ceiling 100 × 20 = 2000:
// s1 gets 2000. The 8000 left go over s2 and s3 by 30 : 25: 4363.636… and
// 3636.363…, the last fen to s2's larger remainder. s4 never converted.
func TestPlanSubAccountsByHand(t *testing.T) {
	c := capacityConfig(t, `{"budget":{"amount":"10000.00","currency":"CNY"},"costPerVisit":{"amount":"20.00","currency":"CNY"},
	 "stores":[{"storeId":"s3","capacity":500,"conversion":"0.05"},{"storeId":"s1","capacity":100,"conversion":"0.20"},
	           {"storeId":"s2","capacity":300,"conversion":"0.10"},{"storeId":"s4","capacity":200,"conversion":"0"}]}`)
	p, err := PlanSubAccounts(c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s1": "2000.00", "s2": "4363.64", "s3": "3636.36", "s4": "0.00"}
	if diff := cmp.Diff(want, budgets(p)); diff != "" {
		t.Errorf("budgets (-want +got):\n%s", diff)
	}
	if p.Placed.AmountString() != "10000.00" || !p.Unplaced.IsZero() {
		t.Errorf("placed %s unplaced %s", p.Placed, p.Unplaced)
	}
	visits := []int64{}
	for _, a := range p.Accounts {
		visits = append(visits, a.Visits)
	}
	if diff := cmp.Diff([]int64{100, 218, 181, 0}, visits); diff != "" {
		t.Errorf("visits (-want +got):\n%s", diff)
	}
	if !p.Accounts[0].Capped || p.Accounts[1].Capped {
		t.Errorf("capped: %+v", p.Accounts)
	}
	checks, err := p.Check([]StoreVisits{{"s1", 130}, {"s2", 280}, {"s3", 200}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range checks {
		load := "none"
		if ch.Load != nil {
			load = ch.Load.String()
		}
		got = append(got, fmt.Sprintf("%s %s %s", ch.StoreID, ch.Status, load))
	}
	wantChecks := []string{"s1 over 1.3000", "s2 within 0.9333", "s3 under 0.4000", "s4 under 0.0000"}
	if diff := cmp.Diff(wantChecks, got); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}

// Worked by hand: both stores' shares pass their ceilings (5714.29 > 2000,
// 4285.71 > 3000): each gets its ceiling and 5000.00 is unplaced, not
// spread.
func TestPlanSubAccountsUnplaced(t *testing.T) {
	c := capacityConfig(t, `{"budget":{"amount":"10000.00","currency":"CNY"},"costPerVisit":{"amount":"20.00","currency":"CNY"},
	 "stores":[{"storeId":"s1","capacity":100,"conversion":"0.2"},{"storeId":"s2","capacity":150,"conversion":"0.1"}]}`)
	p, err := PlanSubAccounts(c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"s1": "2000.00", "s2": "3000.00"}, budgets(p)); diff != "" {
		t.Errorf("budgets (-want +got):\n%s", diff)
	}
	if p.Unplaced.AmountString() != "5000.00" || p.Placed.AmountString() != "5000.00" {
		t.Errorf("placed %s unplaced %s", p.Placed, p.Unplaced)
	}
}

func TestCapacityConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		js   string
		path string
		is   error
	}{
		{`{"budget":{"amount":"-1.00","currency":"CNY"},"costPerVisit":{"amount":"20.00","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1,"conversion":"0.1"}]}`, "budget", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.001","currency":"CNY"},"costPerVisit":{"amount":"20.00","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1,"conversion":"0.1"}]}`, "budget", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"0","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1,"conversion":"0.1"}]}`, "costPerVisit", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"USD"},"stores":[{"storeId":"s1","capacity":1,"conversion":"0.1"}]}`, "costPerVisit", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"stores":[]}`, "stores", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"stores":[{"storeId":"s1","capacity":-1,"conversion":"0.1"}]}`, "stores[0].capacity", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1,"conversion":"1.5"}]}`, "stores[0].conversion", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1,"conversion":"0.1"},{"storeId":"s1","capacity":1,"conversion":"0.1"}]}`, "stores[1].storeId", o2o.ErrDuplicate},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"tolerancePercent":"101","stores":[{"storeId":"s1","capacity":1,"conversion":"0.1"}]}`, "tolerancePercent", o2o.ErrInvalid},
		{`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1,"conversion":"0.1","extra":1}]}`, "", o2o.ErrInvalid},
	} {
		_, err := ParseCapacityConfig([]byte(tc.js))
		if !errors.Is(err, tc.is) {
			t.Errorf("%s: got %v, want %v", tc.js, err, tc.is)
			continue
		}
		var ve *o2o.ValidationError
		if tc.path != "" && (!errors.As(err, &ve) || ve.Fields[0].Path != tc.path) {
			t.Errorf("%s: got %v, want path %s", tc.js, err, tc.path)
		}
	}
	p, _ := PlanSubAccounts(capacityConfig(t, `{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1,"conversion":"0.1"}]}`))
	for _, v := range [][]StoreVisits{{{"s9", 1}}, {{"s1", -1}}, {{"s1", 1}, {"s1", 2}}} {
		if _, err := p.Check(v); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Check(%v) = %v, want invalid", v, err)
		}
	}
}

func genCapacity(rng *rand.Rand) CapacityConfig {
	b, _ := o2o.FromMinor(rng.Int64N(10_000_000_00), o2o.CNY)
	cpv, _ := o2o.FromMinor(1+rng.Int64N(10_000), o2o.CNY)
	c := CapacityConfig{Budget: b, CostPerVisit: cpv}
	for i := range 1 + rng.IntN(8) {
		c.Stores = append(c.Stores, StoreCapacity{StoreID: fmt.Sprintf("s%d", i), Capacity: rng.Int64N(5000),
			Conversion: o2o.MustDec(fmt.Sprintf("0.%03d", rng.IntN(400)))})
	}
	return c
}

// Every fen of the budget is placed or reported unplaced; no account passes
// its ceiling; budget is unplaced only when every store with a weight is at
// its ceiling; the order of the stores changes nothing.
func TestPropertyCapacityConservation(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2))
	for round := range rounds(t, 300) {
		c := genCapacity(rng)
		p, err := PlanSubAccounts(c)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, round, p)
		rng.Shuffle(len(c.Stores), func(i, j int) { c.Stores[i], c.Stores[j] = c.Stores[j], c.Stores[i] })
		q, err := PlanSubAccounts(c)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(p)
		b, _ := json.Marshal(q)
		if string(a) != string(b) {
			t.Fatalf("round %d: store order changed the plan", round)
		}
	}
}

func checkPlan(t *testing.T, round int, p *CapacityPlan) {
	t.Helper()
	sum := p.Budget.Currency().Zero()
	allCapped := true
	for _, a := range p.Accounts {
		sum, _ = sum.Add(a.Budget)
		if n, _ := a.Budget.Cmp(a.Ceiling); n > 0 || a.Budget.IsNegative() {
			t.Fatalf("round %d: %s budget %s, ceiling %s", round, a.StoreID, a.Budget, a.Ceiling)
		}
		if a.Weight.Sign() > 0 && !a.Capped {
			allCapped = false
		}
		if a.Weight.Sign() == 0 && !a.Budget.IsZero() {
			t.Fatalf("round %d: %s has no weight but %s", round, a.StoreID, a.Budget)
		}
	}
	total, _ := sum.Add(p.Unplaced)
	if !sum.Equal(p.Placed) || !total.Equal(p.Budget) || p.Unplaced.IsNegative() {
		t.Fatalf("round %d: placed %s (sum %s) + unplaced %s != budget %s", round, p.Placed, sum, p.Unplaced, p.Budget)
	}
	if p.Unplaced.IsPositive() && !allCapped {
		t.Fatalf("round %d: %s unplaced while a store is below its ceiling", round, p.Unplaced)
	}
}

func FuzzParseCapacityConfig(f *testing.F) {
	f.Add([]byte(`{"budget":{"amount":"10000.00","currency":"CNY"},"costPerVisit":{"amount":"20.00","currency":"CNY"},"stores":[{"storeId":"s1","capacity":100,"conversion":"0.2"},{"storeId":"s2","capacity":150,"conversion":"0.1"}]}`))
	f.Add([]byte(`{"budget":{"amount":"1","currency":"JPY"},"costPerVisit":{"amount":"3","currency":"JPY"},"tolerancePercent":"0","stores":[{"storeId":"a","capacity":0,"conversion":"1"}]}`))
	f.Add([]byte(`{"stores":[{"storeId":"","capacity":-5}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCapacityConfig(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		p, err := PlanSubAccounts(c)
		if err != nil {
			t.Fatalf("a valid config fails to plan: %v", err)
		}
		checkPlan(t, 0, p)
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := ParseCapacityConfig(js)
		if err != nil {
			t.Fatalf("round trip %s: %v", js, err)
		}
		p2, _ := PlanSubAccounts(c2)
		a, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("plan does not marshal: %v", err)
		}
		b, _ := json.Marshal(p2)
		if string(a) != string(b) {
			t.Fatalf("round trip changed the plan")
		}
	})
}

func TestCapacityDigits(t *testing.T) {
	for _, js := range []string{
		`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"9999999999999999999999999999999999.00","currency":"CNY"},"stores":[{"storeId":"s1","capacity":1000000000000,"conversion":"0.1"}]}`,
		`{"budget":{"amount":"1.00","currency":"CNY"},"costPerVisit":{"amount":"2","currency":"CNY"},"stores":[{"storeId":"s1","capacity":999999999999,"conversion":"0.123456789012345678901234567890123456789"}]}`,
	} {
		if _, err := ParseCapacityConfig([]byte(js)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: got %v, want invalid", js, err)
		}
	}
}

// Hostile capacity configs: deep nesting, an object of many keys and more
// stores than MaxSubAccounts are refused within a bound; a plan at the
// limit finishes within one.
func TestCapacityHostile(t *testing.T) {
	for name, data := range map[string][]byte{
		"nested":    hostile.Nested(100_000),
		"many keys": hostile.ManyKeys(50_000),
	} {
		err := hostile.Within(t, hostile.Bound{Time: 10 * time.Second, Bytes: 256 << 20}, name, func() error {
			_, err := ParseCapacityConfig(data)
			return err
		})
		if !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: got %v, want invalid", name, err)
		}
	}
	var b strings.Builder
	b.WriteString(`{"budget":{"amount":"1000000.00","currency":"CNY"},"costPerVisit":{"amount":"20.00","currency":"CNY"},"stores":[`)
	for i := range MaxSubAccounts + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"storeId":"s%05d","capacity":%d,"conversion":"0.%03d"}`, i, 1+i%50, 1+i%997)
	}
	b.WriteString(`]}`)
	err := hostile.Within(t, hostile.Bound{Time: 10 * time.Second, Bytes: 512 << 20}, "too many stores", func() error {
		_, err := ParseCapacityConfig([]byte(b.String()))
		return err
	})
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("too many stores: got %v, want invalid", err)
	}
	c := genCapacity(rand.New(rand.NewPCG(3, 4)))
	c.Stores = nil
	for i := range MaxSubAccounts {
		c.Stores = append(c.Stores, StoreCapacity{StoreID: fmt.Sprintf("s%05d", i), Capacity: int64(1 + i%50), Conversion: o2o.MustDec(fmt.Sprintf("0.%03d", 1+i%997))})
	}
	err = hostile.Within(t, hostile.Bound{Time: 60 * time.Second, Bytes: 1 << 30}, "plan at the limit", func() error {
		p, err := PlanSubAccounts(c)
		if err == nil {
			checkPlan(t, 0, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// planReference caps, round after round, every store whose share of what is
// left passes its ceiling, until none does: the obvious fixpoint that
// PlanSubAccounts reaches in one sorted pass.
func planReference(c CapacityConfig) map[string]string {
	out := map[string]string{}
	capped := map[string]bool{}
	left := c.Budget.Amount()
	for {
		w := decimal.Decimal{}
		for _, s := range c.Stores {
			if !capped[s.StoreID] {
				w = w.Add(decimal.New(s.Capacity, 0).Mul(s.Conversion.Decimal))
			}
		}
		if w.Sign() == 0 {
			break
		}
		more := false
		for _, s := range c.Stores {
			wt := decimal.New(s.Capacity, 0).Mul(s.Conversion.Decimal)
			ceil := c.CostPerVisit.Amount().Mul(decimal.New(s.Capacity, 0))
			if !capped[s.StoreID] && wt.Sign() > 0 && left.Mul(wt).Cmp(ceil.Mul(w)) > 0 {
				capped[s.StoreID], more = true, true
				out[s.StoreID] = o2o.FormatDecimal(ceil.Round(2))
				left = left.Sub(ceil)
			}
		}
		if !more {
			var shares []o2o.Share
			for _, s := range c.Stores {
				if wt := decimal.New(s.Capacity, 0).Mul(s.Conversion.Decimal); !capped[s.StoreID] && wt.Sign() > 0 {
					shares = append(shares, o2o.Share{Key: s.StoreID, Weight: wt})
				}
			}
			if left.Sign() > 0 {
				m, _ := o2o.NewMoneyIn(left, c.Budget.Currency())
				parts, _ := o2o.Allocate(m, shares)
				for _, p := range parts {
					out[p.Key] = p.Amount.AmountString()
				}
			}
			break
		}
	}
	for _, s := range c.Stores {
		if _, ok := out[s.StoreID]; !ok {
			out[s.StoreID] = c.Budget.Currency().Zero().AmountString()
		}
	}
	return out
}

func TestPropertyPlanMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 3))
	for round := range rounds(t, 300) {
		c := genCapacity(rng)
		p, err := PlanSubAccounts(c)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(planReference(c), budgets(p)); diff != "" {
			t.Fatalf("round %d: budgets (-reference +plan):\n%s", round, diff)
		}
	}
}
