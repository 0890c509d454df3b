package drainage

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTransitionCountsMatch checks transitionCounts, counted while paths
// are interned, against its plain reference countTransitions over the
// renumbered paths, on random paths over up to 60 sources.
func TestTransitionCountsMatch(t *testing.T) {
	kinds := TouchKinds()
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 11))
		nSrc := 1 + rng.IntN(60)
		paths := make([]Path, 1+rng.IntN(200))
		for i := range paths {
			for range 1 + rng.IntN(8) {
				s := rng.IntN(nSrc)
				paths[i].Sources = append(paths[i].Sources, Source{Kind: kinds[s%len(kinds)], Campaign: fmt.Sprint("c", s)})
			}
			paths[i].Conversions = rng.Int64N(3)
			paths[i].Nulls = rng.Int64N(3)
		}
		var in pathSources
		var tc transitionCounts
		for _, p := range paths {
			for _, s := range p.Sources {
				in.add(s)
			}
			tc.path(in.ids[len(in.ids)-len(p.Sources):], p.Conversions, p.Nulls)
		}
		sources, ids := in.sorted()
		gotCounts, gotStart := tc.byRank(in.rank)
		wantCounts, wantStart := countTransitions(paths, ids, len(sources))
		if diff := cmp.Diff(wantCounts, gotCounts); diff != "" {
			t.Fatalf("seed %d: counts (-plain +fused):\n%s", seed, diff)
		}
		if diff := cmp.Diff(wantStart, gotStart); diff != "" {
			t.Fatalf("seed %d: start (-plain +fused):\n%s", seed, diff)
		}
	}
}

// TestPathSourcesMatchMap checks pathSources, which finds a kind's first
// campaigns by scanning a list, against its plain reference: one map of
// Sources, indices in first-seen order. Kinds get from 1 to 3·fewCampaigns
// campaigns, so both the list and the map per kind are used.
func TestPathSourcesMatchMap(t *testing.T) {
	kinds := TouchKinds()
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 13))
		perKind := 1 + rng.IntN(3*fewCampaigns)
		var in pathSources
		plain := map[Source]int32{}
		var wantSeen []Source
		var wantIDs []int32
		for range 500 {
			s := Source{Kind: kinds[rng.IntN(len(kinds))], Campaign: fmt.Sprint("c", rng.IntN(perKind))}
			switch rng.IntN(10) {
			case 0:
				s.Campaign = ""
			case 1: // past eight bytes, the first eight alike
				s.Campaign = fmt.Sprint("campaign", rng.IntN(perKind))
			case 2: // zero bytes, which loadTail pads with
				s.Campaign = strings.Repeat("\x00", rng.IntN(10))
			}
			if !in.add(s) {
				t.Fatalf("seed %d: %v refused", seed, s)
			}
			id, ok := plain[s]
			if !ok {
				id = int32(len(wantSeen))
				plain[s] = id
				wantSeen = append(wantSeen, s)
			}
			wantIDs = append(wantIDs, id)
		}
		if diff := cmp.Diff(wantSeen, in.seen); diff != "" {
			t.Fatalf("seed %d: sources (-plain +list):\n%s", seed, diff)
		}
		if diff := cmp.Diff(wantIDs, in.ids); diff != "" {
			t.Fatalf("seed %d: ids (-plain +list):\n%s", seed, diff)
		}
	}
	var in pathSources
	if in.add(Source{Kind: "visit"}) {
		t.Fatal("unknown kind accepted")
	}
}
