package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

func init() {
	beam.RegisterCoder(reflect.TypeOf(settlement.Posting{}), encodePosting, decodePosting)
	register.DoFn1x2[settlement.Posting, int, settlement.Posting](&keyPostingFn{})
	register.DoFn2x2[int, func(*settlement.Posting) bool, *settlement.Ledger, error](&applyPostingsFn{})
	register.Iter1[settlement.Posting]()
	register.Function1x1(ledgerDigest)
}

// encodePosting and decodePosting are the test's coder for postings.
func encodePosting(p settlement.Posting) ([]byte, error) { return json.Marshal(p) }

func decodePosting(data []byte) (settlement.Posting, error) {
	var p settlement.Posting
	err := json.Unmarshal(data, &p)
	return p, err
}

// keyPostingFn keys a posting by the partition of its order.
type keyPostingFn struct{ N int }

func (f *keyPostingFn) ProcessElement(p settlement.Posting) (int, settlement.Posting) {
	h := fnv.New32a()
	h.Write([]byte(p.Order))
	return int(h.Sum32() % uint32(f.N)), p
}

// applyPostingsFn builds one partition's ledger, in key order (a group
// arrives in no order).
type applyPostingsFn struct{}

func (f *applyPostingsFn) ProcessElement(_ int, iter func(*settlement.Posting) bool) (*settlement.Ledger, error) {
	var ps []settlement.Posting
	var p settlement.Posting
	for iter(&p) {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b settlement.Posting) int { return a.At.Compare(b.At) })
	l := settlement.MustLedger(settlement.Config{})
	_, err := l.Apply(settlement.Batch{Postings: ps})
	return l, err
}

func ledgerDigest(l *settlement.Ledger) string { return l.Digest().String() }

// testPostings returns n postings over a few accounts, two per order.
func testPostings(n int) []settlement.Posting {
	r := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	out := make([]settlement.Posting, n)
	for i := range out {
		out[i] = settlement.Posting{Key: fmt.Sprintf("k%d", i), Kind: settlement.KindSaleRevenue,
			From: fmt.Sprintf("cust-%d", r.IntN(5)), To: fmt.Sprintf("store-%d", r.IntN(5)),
			Amount: o2o.MustParseMoney(fmt.Sprintf("%d.%02d CNY", 1+r.IntN(1000), r.IntN(100))),
			Order:  fmt.Sprintf("o%d", i/2), At: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

// TestMergeLedgersOnPrism: ledgers built per partition and combined by
// MergeLedgers hold the digest of the ledger built sequentially, for
// several partition counts.
func TestMergeLedgersOnPrism(t *testing.T) {
	requireIsolated(t)
	ps := testPostings(400)
	want := settlement.MustLedger(settlement.Config{})
	if _, err := want.Apply(settlement.Batch{Postings: ps}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3, 8} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			p, s := beam.NewPipelineWithRoot()
			keyed := beam.ParDo(s, &keyPostingFn{N: n}, beam.CreateList(s, ps))
			parts := beam.ParDo(s, &applyPostingsFn{}, beam.GroupByKey(s, keyed))
			merged := MergeLedgers(s, settlement.Config{}, parts)
			passert.Equals(s, beam.ParDo(s, ledgerDigest, merged), want.Digest().String())
			if _, err := prism.Execute(context.Background(), p); err != nil {
				t.Fatal(err)
			}
		})
	}
}
