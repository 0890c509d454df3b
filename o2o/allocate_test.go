package o2o_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

func shares(kv ...any) []o2o.Share {
	var out []o2o.Share
	for i := 0; i < len(kv); i += 2 {
		out = append(out, o2o.Share{Key: kv[i].(string), Weight: dec(kv[i+1].(string))})
	}
	return out
}

func amounts(parts []o2o.Part) map[string]string {
	out := make(map[string]string, len(parts))
	for _, p := range parts {
		out[p.Key] = p.Amount.String()
	}
	return out
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name   string
		total  string
		shares []o2o.Share
		want   map[string]string
	}{
		{"even thirds, tie to the first key", "100.00", shares("a", "1", "b", "1", "c", "1"),
			map[string]string{"a": "33.34 CNY", "b": "33.33 CNY", "c": "33.33 CNY"}},
		{"tie goes by key, not position", "100.00", shares("c", "1", "b", "1", "a", "1"),
			map[string]string{"a": "33.34 CNY", "b": "33.33 CNY", "c": "33.33 CNY"}},
		{"refund mirrors the sale", "-100.00", shares("a", "1", "b", "1", "c", "1"),
			map[string]string{"a": "-33.34 CNY", "b": "-33.33 CNY", "c": "-33.33 CNY"}},
		{"largest remainder wins", "1.00", shares("a", "1", "b", "2", "c", "4"),
			map[string]string{"a": "0.14 CNY", "b": "0.29 CNY", "c": "0.57 CNY"}},
		{"zero weight gets zero", "0.05", shares("a", "1", "z", "0", "b", "1"),
			map[string]string{"a": "0.03 CNY", "b": "0.02 CNY", "z": "0.00 CNY"}},
		{"one cent over many", "0.01", shares("a", "1", "b", "1", "c", "1", "d", "1"),
			map[string]string{"a": "0.01 CNY", "b": "0.00 CNY", "c": "0.00 CNY", "d": "0.00 CNY"}},
		{"zero total", "0.00", shares("a", "1", "b", "3"),
			map[string]string{"a": "0.00 CNY", "b": "0.00 CNY"}},
		{"decimal weights", "10.00", shares("a", "0.3", "b", "0.7"),
			map[string]string{"a": "3.00 CNY", "b": "7.00 CNY"}},
		{"campaign of one million over seven", "1000000.00", shares("futian", "3", "nanshan", "3", "baoan", "1"),
			map[string]string{"futian": "428571.43 CNY", "nanshan": "428571.43 CNY", "baoan": "142857.14 CNY"}},
		{"yen has no minor unit", "100 JPY", shares("a", "1", "b", "1", "c", "1"),
			map[string]string{"a": "34 JPY", "b": "33 JPY", "c": "33 JPY"}},
		{"a total at the 10^15 bound", "1000000000000000.00", shares("a", "1", "b", "2"),
			map[string]string{"a": "333333333333333.33 CNY", "b": "666666666666666.67 CNY"}},
		{"MaxInt64 fen in one part", "92233720368547758.07", shares("a", "1", "b", "0"),
			map[string]string{"a": "92233720368547758.07 CNY", "b": "0.00 CNY"}},
		{"one fen past MaxInt64 takes the decimal path", "92233720368547758.08", shares("a", "1", "b", "0"),
			map[string]string{"a": "92233720368547758.08 CNY", "b": "0.00 CNY"}},
		{"beyond 2^63 fen, split", "99999999999999999.00", shares("a", "1", "b", "1"),
			map[string]string{"a": "49999999999999999.50 CNY", "b": "49999999999999999.50 CNY"}},
		{"beyond 2^63 fen in KWD", "9620000000000000.000 KWD", shares("a", "1"),
			map[string]string{"a": "9620000000000000.000 KWD"}},
		{"refund beyond 2^63 fen", "-99999999999999999.99", shares("a", "1", "b", "0"),
			map[string]string{"a": "-99999999999999999.99 CNY", "b": "0.00 CNY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := o2o.Allocate(o2o.MustParseMoney(tt.total), tt.shares)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, amounts(parts)); diff != "" {
				t.Errorf("Allocate(%s) (-want +got):\n%s", tt.total, diff)
			}
			for i, p := range parts {
				if p.Key != tt.shares[i].Key {
					t.Errorf("part %d has key %q, want the input order %q", i, p.Key, tt.shares[i].Key)
				}
			}
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	tests := []struct {
		name   string
		total  string
		shares []o2o.Share
		want   error
		path   string
	}{
		{"no shares", "1.00", nil, o2o.ErrInvalid, "shares"},
		{"negative weight", "1.00", shares("a", "1", "b", "-1"), o2o.ErrInvalid, "shares[1].weight"},
		{"all zero weights", "1.00", shares("a", "0", "b", "0"), o2o.ErrInvalid, "shares"},
		{"empty key", "1.00", shares("", "1"), o2o.ErrInvalid, "shares[0].key"},
		{"repeated key", "1.00", shares("a", "1", "a", "2"), o2o.ErrDuplicate, "shares[1].key"},
		{"fraction of a fen", "1.005", shares("a", "1"), o2o.ErrInvalid, "total"},
		{"weight exponent at the int32 limit", "1.00", []o2o.Share{{Key: "a", Weight: decimal.New(1, math.MaxInt32)}}, o2o.ErrInvalid, "shares[0].weight"},
		{"weight exponent beyond -1000", "1.00", []o2o.Share{{Key: "a", Weight: decimal.New(1, -1001)}}, o2o.ErrInvalid, "shares[0].weight"},
	}
	huge := o2o.NewMoney(decimal.New(1, math.MaxInt32))
	if _, err := o2o.Allocate(huge, shares("a", "1")); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Allocate of a total with an int32-limit exponent = %v, want ErrInvalid", err)
	}
	if _, err := o2o.Allocate(o2o.Currency("XYZ").Zero(), shares("a", "1")); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Allocate in an unknown currency = %v, want ErrInvalid", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := o2o.Allocate(o2o.MustParseMoney(tt.total), tt.shares)
			if !errors.Is(err, tt.want) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("Allocate = %v, want %v", err, tt.want)
			}
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
				t.Errorf("Allocate = %v, want the field %q named", err, tt.path)
			}
		})
	}
}

// TestAllocateProperties checks Allocate's contract over generated cases:
// conservation, within one minor unit of the exact share, zero weight gets
// zero, no part against the total's sign, and the same amount per key under
// a permuted input order.
func TestAllocateProperties(t *testing.T) {
	cases := 100_000
	if testing.Short() {
		cases = 5_000
	}
	rng := rand.New(rand.NewPCG(2, 2260))
	for n := range cases {
		total, in := genAllocation(rng)
		parts, err := o2o.Allocate(total, in)
		if err != nil {
			t.Fatalf("case %d: Allocate(%v, %v): %v", n, total, in, err)
		}
		if err := checkAllocation(total, in, parts); err != nil {
			t.Fatalf("case %d: Allocate(%v, %v): %v", n, total, in, err)
		}
		perm := slices.Clone(in)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		again, err := o2o.Allocate(total, perm)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(amounts(parts), amounts(again)); diff != "" {
			t.Fatalf("case %d: permuted input changed the result (-first +permuted):\n%s", n, diff)
		}
	}
}

func genAllocation(rng *rand.Rand) (o2o.Money, []o2o.Share) {
	currency := []o2o.Currency{o2o.CNY, o2o.CNY, "JPY", "KWD"}[rng.IntN(4)]
	var units decimal.Decimal
	switch rng.IntN(5) {
	case 0: // small totals, where remainders matter most
		units = decimal.New(rng.Int64N(100), 0)
	case 1:
		units = decimal.New(rng.Int64N(100_000_000), 0)
	case 2: // near and beyond 2^63 minor units: the 64-bit path's edge
		units = decimal.New(math.MaxInt64-1000+rng.Int64N(2000), 0)
		if rng.IntN(2) == 0 {
			units = units.Mul(decimal.New(1+rng.Int64N(100), 0))
		}
	default: // up to 10^15 CNY = 10^17 fen
		units = decimal.New(rng.Int64N(100_000_000_000_000_000), 0)
	}
	if rng.IntN(3) == 0 {
		units = units.Neg()
	}
	total, _ := o2o.NewMoneyIn(units.Shift(-currency.MinorDigits()), currency)
	n := 1 + rng.IntN(12)
	in := make([]o2o.Share, n)
	positive := false
	for i := range in {
		w := decimal.Decimal{}
		switch rng.IntN(7) {
		case 5: // huge weights overflow 64 bits: the decimal path
			w = decimal.New(1+rng.Int64N(1_000_000), 14+int32(rng.IntN(10)))
		case 6: // more places than 64-bit scaling holds: the decimal path
			w = decimal.New(1+rng.Int64N(1_000_000), -20-int32(rng.IntN(5)))
		case 0: // zero
		case 1: // equal weights produce ties
			w = decimal.New(1, 0)
		case 2: // decimal weights
			w = decimal.New(rng.Int64N(10_000), -int32(rng.IntN(4)))
		default:
			w = decimal.New(rng.Int64N(1_000_000_000_000), 0)
		}
		positive = positive || w.Sign() > 0
		in[i] = o2o.Share{Key: fmt.Sprintf("k%02d", rng.IntN(1000)*100+i), Weight: w}
	}
	if !positive {
		in[0].Weight = decimal.New(1, 0)
	}
	return total, in
}

func checkAllocation(total o2o.Money, in []o2o.Share, parts []o2o.Part) error {
	if len(parts) != len(in) {
		return fmt.Errorf("%d parts for %d shares", len(parts), len(in))
	}
	sum := total.Currency().Zero()
	weights := decimal.Decimal{}
	for _, s := range in {
		weights = weights.Add(s.Weight)
	}
	oneUnit := decimal.New(1, -total.Currency().MinorDigits())
	for i, p := range parts {
		var err error
		if sum, err = sum.Add(p.Amount); err != nil {
			return err
		}
		if !p.Amount.IsWhole() {
			return fmt.Errorf("part %s = %v is not whole fen", p.Key, p.Amount)
		}
		if in[i].Weight.IsZero() && !p.Amount.IsZero() {
			return fmt.Errorf("zero-weight %s got %v", p.Key, p.Amount)
		}
		if p.Amount.Sign()*total.Sign() < 0 {
			return fmt.Errorf("part %s = %v has the opposite sign to %v", p.Key, p.Amount, total)
		}
		// |part − total×w/W| < 1 fen  ⇔  |part×W − total×w| < W × 1 fen
		gap := p.Amount.Amount().Mul(weights).Sub(total.Amount().Mul(in[i].Weight)).Abs()
		if gap.Cmp(weights.Mul(oneUnit)) >= 0 {
			return fmt.Errorf("part %s = %v is a fen or more from its exact share", p.Key, p.Amount)
		}
	}
	if !sum.Equal(total) {
		return fmt.Errorf("parts sum to %v, want %v", sum, total)
	}
	return nil
}

func TestShareJSON(t *testing.T) {
	in := shares("store-1", "3.50", "store-2", "0")
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `[{"key":"store-1","weight":"3.50"},{"key":"store-2","weight":"0"}]` {
		t.Errorf("Marshal = %s", data)
	}
	var out []o2o.Share
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"key":"a","weight":"1","extra":1}`, `{}`, `{"key":"a"}`, `{"weight":"1"}`} {
		var s o2o.Share
		if err := s.UnmarshalJSON([]byte(bad)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("UnmarshalJSON(%s) = %v, want ErrInvalid", bad, err)
		}
	}
}

func benchShares(n int) []o2o.Share {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([]o2o.Share, n)
	for i := range out {
		out[i] = o2o.Share{Key: fmt.Sprintf("store-%04d", i), Weight: decimal.New(1+rng.Int64N(10_000), 0)}
	}
	return out
}

// naiveSplit is the baseline Allocate is measured against: each exact share
// rounded on its own to the fen. It is cheaper but does not conserve the total.
func naiveSplit(total o2o.Money, in []o2o.Share) []o2o.Money {
	weights := decimal.Decimal{}
	for _, s := range in {
		weights = weights.Add(s.Weight)
	}
	out := make([]o2o.Money, len(in))
	for i, s := range in {
		out[i] = o2o.NewMoney(total.Amount().Mul(s.Weight).DivRound(weights, 2))
	}
	return out
}

func BenchmarkAllocate(b *testing.B) {
	total := o2o.MustParseMoney("1000000.00")
	for _, n := range []int{10, 1000} {
		in := benchShares(n)
		b.Run(fmt.Sprintf("shares=%d/largest-remainder", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := o2o.Allocate(total, in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("shares=%d/baseline-naive-round", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				naiveSplit(total, in)
			}
		})
	}
}
