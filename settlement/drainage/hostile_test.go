package drainage

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

// denseJourneys returns customers journeys of 1 to 12 touches over k
// distinct sources chosen at random, half of them converting: the densest
// chain (the costliest to solve) for its number of sources.
func denseJourneys(k, customers int) ([]Touch, []Conversion) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ts []Touch
	var cs []Conversion
	for c := range customers {
		cust := fmt.Sprintf("u%d", c)
		for j := range 1 + rng.IntN(12) {
			// Every source appears at least once.
			src := rng.IntN(k)
			if c < k && j == 0 {
				src = c
			}
			ts = append(ts, touch(fmt.Sprintf("t%d-%d", c, j), cust, day0.Add(-time.Duration(12-j)*time.Hour), KindSearchAd, fmt.Sprintf("c%d", src)))
		}
		if rng.IntN(2) == 0 {
			cs = append(cs, Conversion{ID: fmt.Sprintf("v%d", c), Customer: cust, At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("1")})
		}
	}
	return ts, cs
}

// TestMarkovSourceLimit: 640 touches with distinct campaigns took 83 s
// (1,500 never finished). At MaxMarkovSources the densest data finishes
// within a bound; one source more, or 1,500, is refused at once with
// ErrTooManySources.
func TestMarkovSourceLimit(t *testing.T) {
	r := mustRules(t, Config{Model: ModelMarkov})
	customers := 40 * MaxMarkovSources
	if testing.Short() {
		customers = 4 * MaxMarkovSources
	}
	ts, cs := denseJourneys(MaxMarkovSources, customers)
	err := hostile.Within(t, hostile.Bound{Time: 60 * time.Second, Bytes: 4 << 30}, "markov at the limit", func() error {
		res, err := r.Attribute(ts, cs)
		if err == nil && len(res.Markov.Effects) != MaxMarkovSources {
			return fmt.Errorf("%d effects", len(res.Markov.Effects))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{MaxMarkovSources + 1, 640, 1500} {
		var ts []Touch
		for i := range n {
			ts = append(ts, touch(fmt.Sprintf("t%d", i), "u", day0.Add(-time.Duration(n-i)*time.Minute), KindSearchAd, fmt.Sprintf("c%d", i)))
		}
		cs := []Conversion{{ID: "c", Customer: "u", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("1")}}
		err := hostile.Within(t, hostile.Default, fmt.Sprintf("markov over %d sources", n), func() error {
			_, err := r.Attribute(ts, cs)
			return err
		})
		if !errors.Is(err, ErrTooManySources) || !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%d sources: %v", n, err)
		}
	}
}

// TestParsePartialHostile: partials built to hurt the decoder — a weight
// of a million digits, a hundred thousand repeated or out-of-range rows,
// deep nesting — are refused with an error wrapping o2o.ErrInvalid within a
// bound of time and memory.
func TestParsePartialHostile(t *testing.T) {
	r, valid := samplePartial(t)
	rows := func(row string, n int) string {
		return strings.TrimSuffix(strings.Repeat(row+",", n), ",")
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(valid, []byte(old)) {
			t.Fatalf("%q is not in the sample", old)
		}
		return bytes.Replace(valid, []byte(old), []byte(new), 1)
	}
	inputs := map[string][]byte{
		"weight of a million digits": replace(`"weight":"0"`, `"weight":"`+strings.Repeat("9", 1_000_000)+`"`),
		"value of a million digits":  replace(`"value":"10001"`, `"value":"`+strings.Repeat("1", 1_000_000)+`"`),
		"100,000 repeated sources":   replace(`"sources":[`, `"sources":[`+rows(`{"kind":"road_show","reach":{}}`, 100_000)+`,`),
		"100,000 repeated credits": replace(`"credits":[`, `"credits":[`+
			rows(`{"source":0,"conversion":"deal","store":0,"units":1,"weight":"0"}`, 100_000)+`,`),
		"100,000 rows out of range": replace(`"traffic":[`, `"traffic":[`+rows(`{"source":99,"channel":"b2c","store":0,"touches":1}`, 100_000)+`,`),
		"deep nesting in a row":     replace(`"drawn":[`, `"drawn":[`+string(hostile.Nested(100_000))+`,`),
	}
	for name, data := range inputs {
		err := hostile.Within(t, hostile.Default, name, func() error {
			_, err := r.ParsePartial(data)
			return err
		})
		if !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %.300v", name, err)
		}
	}
}
