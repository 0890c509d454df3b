package drainage

import (
	"fmt"
	"math/bits"

	"github.com/o2okit/o2okit/o2o"
)

// Path is a group of identical journeys, the input attribution tools
// commonly take (ChannelAttribution's path, total_conversions,
// total_conversion_value, total_null): the sources touched in order, how
// many journeys along it converted and their total value, and how many did
// not convert.
type Path struct {
	// Sources are the path's sources, first touch first.
	Sources []Source `json:"sources"`
	// Conversions is the number of journeys along the path that converted.
	Conversions int64 `json:"conversions"`
	// Value is their total value (zero when Conversions is zero).
	Value o2o.Money `json:"value"`
	// Nulls is the number of journeys along the path that did not convert
	// (the Markov model's paths to null; the other models ignore them).
	Nulls int64 `json:"nulls,omitempty"`
}

// PathResult is the attribution of grouped paths: credit per source.
type PathResult struct {
	Model ModelName `json:"model"`
	// Conversions is the conversions of every path.
	Conversions int64 `json:"conversions"`
	// Sources holds each source's credit (Scale units per conversion) and
	// its share of the value, cent-exact, sorted by source. Units sum to
	// Conversions × Scale, values to the paths' total value.
	Sources []SourceTotal `json:"sources"`
	// Markov holds the removal effects under the Markov model; its
	// Effects[i].Units are the removal-effect totals, Sources the
	// per-journey split (see Markov).
	Markov *Markov `json:"markov,omitempty"`
}

// MaxPathLength is the most sources a Path may have.
const MaxPathLength = 10_000

// MaxPathConversions bounds the conversions (and the null journeys) of all
// paths together, so that credit in Scale units fits in 64 bits.
const MaxPathConversions = 1_000_000_000

// pathAt names paths[i] in errors; it is built only for an error.
type pathAt int

func (i pathAt) String() string { return indexPath("paths", int(i)) }

// AttributePaths runs the rules over grouped paths: each distinct path is
// weighed once and its credit multiplied by its conversions, so the work
// grows with distinct paths, not journeys. The models that need only the
// order of sources take paths (first and last touch, linear, position,
// Shapley, Markov); time decay needs the touches' instants and is refused.
// The credit of a path is the credit Attribute gives one journey with the
// same sources in the same order, so units per source equal the sum of
// Attribute's credits over the same journeys; values may differ from
// Attribute's summed per store by the cents of its finer rounding.
//
// Errors (wrapping o2o.ErrInvalid, paths named "paths[3].sources[1]"): a
// path with no source or more than MaxPathLength; an unknown kind;
// negative counts, conversions or nulls beyond MaxPathConversions in all;
// a value that is negative, not whole, above the largest conversion value
// times the path's conversions, non-zero without conversions, or in
// another currency than the first path's (o2o.ErrCurrencyMismatch); time
// decay; more than MaxMarkovSources distinct sources under Markov
// (ErrTooManySources).
func (r *Rules) AttributePaths(paths []Path) (*PathResult, error) {
	if r.model == ModelTimeDecay {
		return nil, o2o.Invalid("model", "time decay needs the touches' instants: use Attribute")
	}
	currency, hasCurrency := o2o.CNY, false
	var conversions, nulls int64
	minors := make([]int64, len(paths))
	var in pathSources
	var tc transitionCounts // under the Markov model
	n := 0
	for i := range paths {
		n += min(len(paths[i].Sources), MaxPathLength+1)
	}
	in.ids = make([]int32, 0, n)
	for i := range paths {
		p := &paths[i]
		at := pathAt(i)
		switch {
		case len(p.Sources) == 0:
			return nil, o2o.Invalid(at.String()+".sources", "must have at least one source")
		case len(p.Sources) > MaxPathLength:
			return nil, o2o.Invalidf(at.String()+".sources", "has %d sources, at most %d", len(p.Sources), MaxPathLength)
		case p.Conversions < 0 || p.Conversions > MaxPathConversions-conversions:
			return nil, o2o.Invalidf(at.String()+".conversions", "must be 0 to %d in all paths", MaxPathConversions)
		case p.Nulls < 0 || p.Nulls > MaxPathConversions-nulls:
			return nil, o2o.Invalidf(at.String()+".nulls", "must be 0 to %d in all paths", MaxPathConversions)
		}
		conversions += p.Conversions
		nulls += p.Nulls
		for j, s := range p.Sources {
			if !in.add(s) {
				return nil, o2o.Invalidf(fmt.Sprintf("%s.sources[%d].kind", at.String(), j), "unknown touch kind %q", string(s.Kind))
			}
		}
		if r.model == ModelMarkov {
			tc.path(in.ids[len(in.ids)-len(p.Sources):], p.Conversions, p.Nulls)
		}
		if p.Conversions == 0 && p.Value.IsZero() {
			continue
		}
		if p.Conversions == 0 {
			return nil, o2o.Invalid(at.String()+".value", "must be zero when the path has no conversions")
		}
		if !hasCurrency {
			currency, hasCurrency = p.Value.Currency(), true
		} else if p.Value.Currency() != currency {
			return nil, fmt.Errorf("%s.value: %w: %s and %s", at.String(), o2o.ErrCurrencyMismatch, currency, p.Value.Currency())
		}
		m, ok := p.Value.MinorUnits()
		switch {
		case (!ok || m < 0) && p.Value.IsNegative(): // whole minor units m ≥ 0 are not negative
			return nil, o2o.Invalidf(at.String()+".value", "must not be negative, got %s", p.Value)
		case !ok && !p.Value.IsWhole():
			return nil, o2o.Invalidf(at.String()+".value", "%s is not a whole number of minor units", p.Value)
		case !ok || m/p.Conversions > maxMinor(currency):
			return nil, o2o.Invalidf(at.String()+".value", "must be at most %s per conversion", o2o.FormatDecimal(maxValue))
		}
		minors[i] = m
	}
	sources, ids := in.sorted()
	k := len(sources)
	res := &PathResult{Model: r.model, Conversions: conversions, Sources: []SourceTotal{}}
	w := &weigher{r: r, isDirect: make([]bool, k)}
	for i, s := range sources {
		w.isDirect[i] = s.Direct()
	}
	if r.model == ModelMarkov {
		if k > MaxMarkovSources {
			return nil, fmt.Errorf("paths: %w: %d distinct sources (kind × campaign), at most %d", ErrTooManySources, k, MaxMarkovSources)
		}
		counts, start := tc.byRank(in.rank)
		res.Markov, w.effects = markovReport(sources, counts, start, conversions)
	}
	units := make([]int64, k)
	weights := make([][2]uint64, k)
	var total [2]uint64
	var ts []*Touch
	pos := 0
	for i, p := range paths {
		n := len(p.Sources)
		id := ids[pos : pos+n]
		pos += n
		if p.Conversions == 0 {
			continue
		}
		// The models read a touch itself only for its instant (time
		// decay, refused above) and, without isDirect, to pass over
		// direct visits (last touch): the others weigh by position and
		// source index alone, so a path needs no touches built, only as
		// many (nil) places.
		ts = grow(ts, n)
		w.srcIdx = id
		lo, c := bits.Add64(total[1], uint64(minors[i]), 0)
		total = [2]uint64{total[0] + c, lo}
		// The instant matters to time decay only, refused above.
		for j, u := range w.weigh(ts) {
			if u == 0 {
				continue
			}
			s := id[j]
			units[s] += u * p.Conversions
			hi, lo := bits.Mul64(uint64(minors[i]), uint64(u))
			var carry uint64
			weights[s][1], carry = bits.Add64(weights[s][1], lo, 0)
			weights[s][0] += hi + carry
		}
	}
	values := make([]o2o.Money, k)
	for i := range values {
		values[i] = currency.Zero()
	}
	if total != [2]uint64{} {
		var err error
		if values, err = allocateMinor(total, weights, currency); err != nil {
			return nil, fmt.Errorf("allocate value: %w", err)
		}
	}
	for i, s := range sources {
		if units[i] != 0 || !values[i].IsZero() {
			res.Sources = append(res.Sources, SourceTotal{Source: s, Units: units[i], Value: values[i]})
		}
	}
	return res, nil
}

// pathSources interns sources as they are read (the sources of grouped
// paths, or of touches): a source's kind by its place in TouchKinds (which
// validates it), its campaign among that kind's, so that a lookup
// compares or hashes one string rather than a Source of two. ids holds
// every path's sources, in order, as indices in first-seen order.
//
// Speed trick: a kind's first fewCampaigns campaigns are found by
// scanning a short list, which for the handful of campaigns a kind
// usually has is several times faster than hashing the string into a map;
// campaigns past those go in a map per kind. The list compares each
// campaign's length and first eight bytes, read as one word, and the
// strings themselves only past eight bytes. Either way a campaign gets
// the index it would get from one map of Sources (TestPathSourcesMatchMap).
type pathSources struct {
	few       [7]campaignList
	campaigns [7]map[string]int32 // a kind's campaigns past its first fewCampaigns
	seen      []Source
	ids       []int32
	rank      []int32 // set by sorted: each first-seen index's sorted rank
}

// fewCampaigns is how many of a kind's campaigns pathSources finds by
// scanning a list rather than by a map.
const fewCampaigns = 8

// campaignList is a kind's first campaigns and their indices.
type campaignList struct {
	n    int
	name [fewCampaigns]string
	word [fewCampaigns]uint64 // loadTail of name: its first eight bytes
	id   [fewCampaigns]int32
}

// add interns s and appends its index to ids; false when its kind is unknown.
func (ps *pathSources) add(s Source) bool {
	k := touchKindIndex(s.Kind)
	if k < 0 {
		return false
	}
	ps.addKind(k, s)
	return true
}

// addKind is add for a source whose kind is known: k is
// touchKindIndex(s.Kind), at least 0.
func (ps *pathSources) addKind(k int, s Source) {
	l := &ps.few[k]
	w := loadTail(s.Campaign)
	for i := range l.n {
		if l.word[i] == w && len(l.name[i]) == len(s.Campaign) && (len(s.Campaign) <= 8 || l.name[i] == s.Campaign) {
			ps.ids = append(ps.ids, l.id[i])
			return
		}
	}
	m := ps.campaigns[k]
	id, ok := m[s.Campaign]
	if !ok {
		id = int32(len(ps.seen))
		ps.seen = append(ps.seen, s)
		if l.n < fewCampaigns {
			l.name[l.n], l.word[l.n], l.id[l.n] = s.Campaign, w, id
			l.n++
		} else {
			if m == nil {
				m = map[string]int32{}
				ps.campaigns[k] = m
			}
			m[s.Campaign] = id
		}
	}
	ps.ids = append(ps.ids, id)
}

// sorted returns the sources sorted by kind, then campaign, and ids
// renumbered into that order.
func (ps *pathSources) sorted() ([]Source, []int32) {
	order := sortedIndex(len(ps.seen), func(x, y int32) int { return compareSources(ps.seen[x], ps.seen[y]) })
	rank := ranks(order)
	sources := make([]Source, len(order))
	for r, i := range order {
		sources[r] = ps.seen[i]
	}
	for i, id := range ps.ids {
		ps.ids[i] = rank[id]
	}
	ps.rank = rank
	return sources, ps.ids
}

// touchKindIndex returns k's place in TouchKinds, or -1 for an unknown kind.
func touchKindIndex(k TouchKind) int {
	switch k {
	case KindSearchAd:
		return 0
	case KindPaidAdReading:
		return 1
	case KindRoadShow:
		return 2
	case KindGroundPush:
		return 3
	case KindStoreCoupon:
		return 4
	case KindOnlineVisit:
		return 5
	case KindStoreVisit:
		return 6
	}
	return -1
}
