package drainage

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"

	"github.com/o2okit/o2okit/o2o"
)

// partialVersion is the version of the JSON form of a Partial.
const partialVersion = 1

// partialJSON is the JSON form of a Partial. Sources and stores are listed
// once, sorted, and the rows refer to them by index; rows are sorted by
// (source, kind or sales mode, store), so the same sums always give the
// same bytes.
type partialJSON struct {
	Version int `json:"version"`
	// Rules is the attribution rules' fingerprint (Rules.attribution).
	Rules string `json:"rules"`
	// Currency is the conversions' currency; absent before any conversion.
	Currency    *o2o.Currency `json:"currency,omitempty"`
	Conversions int64         `json:"conversions"`
	Attributed  int64         `json:"attributed"`
	Customers   int64         `json:"customers"`
	// Value is the attributed conversions' value in minor units, a decimal
	// integer of up to 128 bits.
	Value        string         `json:"value"`
	Sources      []sourceJSON   `json:"sources"`
	Campaigns    []campaignJSON `json:"campaigns"`
	Stores       []storeJSON    `json:"stores"`
	Channels     channelsJSON   `json:"channels"`
	Credits      []creditJSON   `json:"credits"`
	Unattributed []Unattributed `json:"unattributed"`
	Traffic      []trafficJSON  `json:"traffic"`
	Drawn        []drawnJSON    `json:"drawn"`
}

type reachJSON struct {
	Customers int64 `json:"customers,omitempty"`
	Visitors  int64 `json:"visitors,omitempty"`
	Buyers    int64 `json:"buyers,omitempty"`
	Payers    int64 `json:"payers,omitempty"`
}

type sourceJSON struct {
	Kind     TouchKind `json:"kind"`
	Campaign string    `json:"campaign,omitempty"`
	Reach    reachJSON `json:"reach"`
}

type campaignJSON struct {
	Campaign string    `json:"campaign"`
	Reach    reachJSON `json:"reach"`
}

type storeJSON struct {
	ID    string    `json:"id"`
	Reach reachJSON `json:"reach"`
}

type channelsJSON struct {
	B2C reachJSON `json:"b2c"`
	O2O reachJSON `json:"o2o"`
}

// creditJSON is one credit cell: Weight is Σ value (minor units) × units,
// a decimal integer of up to 128 bits.
type creditJSON struct {
	Source     int            `json:"source"`
	Conversion ConversionKind `json:"conversion"`
	Store      int            `json:"store"`
	Units      int64          `json:"units"`
	Weight     string         `json:"weight"`
}

type trafficJSON struct {
	Source  int         `json:"source"`
	Channel o2o.Channel `json:"channel"`
	Store   int         `json:"store"`
	Touches int64       `json:"touches"`
}

type drawnJSON struct {
	Source  int         `json:"source"`
	Channel o2o.Channel `json:"channel"`
	Store   int         `json:"store"`
	Units   int64       `json:"units"`
}

func toReachJSON(a *reachAcc) reachJSON {
	return reachJSON{Customers: a.n[0], Visitors: a.n[1], Buyers: a.n[2], Payers: a.n[3]}
}

// attribution returns the fingerprint of what decides credit: the model,
// its shares or half-life, and the lookback windows (what Merge compares;
// not the cost basis, which only Allocate reads).
func (r *Rules) attribution() string {
	s := string(r.model)
	switch r.model {
	case ModelPosition:
		f, m, l := r.Shares()
		s += fmt.Sprintf(" %s/%s/%s", f.String(), m.String(), l.String())
	case ModelTimeDecay:
		s += fmt.Sprintf(" half-life %s days", r.halfLife.String())
	}
	return s + fmt.Sprintf(", windows %d/%d/%d days", r.windows[0], r.windows[1], r.windows[2])
}

// MarshalJSON writes the partial's exact sums, with a fingerprint of its
// attribution rules, for Rules.ParsePartial on the other side of a process
// boundary. The same sums always give the same bytes, whatever order
// journeys were added or partials merged in.
func (p *Partial) MarshalJSON() ([]byte, error) {
	a := p.acc
	srcOrder := sortedIndex(len(a.sources), func(x, y int32) int { return compareSources(a.sources[x], a.sources[y]) })
	storeOrder := sortedIndex(len(a.stores), func(x, y int32) int { return cmp.Compare(a.stores[x], a.stores[y]) })
	srcRank, storeRank := ranks(srcOrder), ranks(storeOrder)
	out := partialJSON{
		Version: partialVersion, Rules: a.w.r.attribution(),
		Conversions: a.conversions, Attributed: a.attributed, Customers: a.customers,
		Value:    bigU128(a.value[0], a.value[1]).String(),
		Sources:  make([]sourceJSON, len(a.sources)),
		Stores:   make([]storeJSON, len(a.stores)),
		Channels: channelsJSON{B2C: toReachJSON(&a.rs.channels[0]), O2O: toReachJSON(&a.rs.channels[1])},
		Credits:  make([]creditJSON, 0, len(a.cells)),
		Traffic:  make([]trafficJSON, 0, len(a.traffic)),
		Drawn:    make([]drawnJSON, 0, len(a.drawn)),
	}
	if a.hasCurrency {
		c := a.currency
		out.Currency = &c
	}
	for r, i := range srcOrder {
		s := a.sources[i]
		out.Sources[r] = sourceJSON{Kind: s.Kind, Campaign: s.Campaign, Reach: toReachJSON(&a.rs.sources[i])}
	}
	for r, i := range storeOrder {
		out.Stores[r] = storeJSON{ID: a.stores[i], Reach: toReachJSON(&a.rs.stores[i])}
	}
	out.Campaigns = make([]campaignJSON, len(a.rs.campNames))
	for i, name := range a.rs.campNames {
		out.Campaigns[i] = campaignJSON{Campaign: name, Reach: toReachJSON(&a.rs.campaigns[i])}
	}
	slices.SortFunc(out.Campaigns, func(x, y campaignJSON) int { return cmp.Compare(x.Campaign, y.Campaign) })
	// Keys with the source and store replaced by their ranks sort as the
	// rows must appear.
	ranked := func(v uint64) uint64 {
		k := unpackCredit(v)
		return creditKey{src: srcRank[k.src], kind: k.kind, store: storeRank[k.store]}.pack()
	}
	for _, v := range sortedKeys(a.cells, ranked) {
		k, cell := unpackCredit(v), &a.cellData[a.cells[v]]
		out.Credits = append(out.Credits, creditJSON{
			Source: int(srcRank[k.src]), Conversion: ConversionKinds()[k.kind], Store: int(storeRank[k.store]),
			Units: cell.units, Weight: bigU128(cell.valHi, cell.val).String(),
		})
	}
	for _, v := range sortedKeys(a.traffic, ranked) {
		k := unpackTraffic(v)
		out.Traffic = append(out.Traffic, trafficJSON{Source: int(srcRank[k.src]), Channel: channels[k.channel], Store: int(storeRank[k.store]), Touches: a.traffic[v]})
	}
	for _, v := range sortedKeys(a.drawn, ranked) {
		k := unpackTraffic(v)
		out.Drawn = append(out.Drawn, drawnJSON{Source: int(srcRank[k.src]), Channel: channels[k.channel], Store: int(storeRank[k.store]), Units: a.drawn[v]})
	}
	out.Unattributed = make([]Unattributed, 0, len(a.unattributed))
	for _, u := range a.unattributed {
		out.Unattributed = append(out.Unattributed, *u)
	}
	slices.SortFunc(out.Unattributed, compareUnattributed)
	return json.Marshal(out)
}

// sortedIndex returns 0..n-1 sorted by less.
func sortedIndex(n int, compare func(x, y int32) int) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, compare)
	return order
}

// ranks inverts an order: ranks(order)[order[r]] = r.
func ranks(order []int32) []int32 {
	rank := make([]int32, len(order))
	for r, i := range order {
		rank[i] = int32(r)
	}
	return rank
}

// sortedKeys returns m's keys sorted by ranked(key).
func sortedKeys[V any](m map[uint64]V, ranked func(uint64) uint64) []uint64 {
	keys := make([]uint64, 0, len(m))
	for v := range m {
		keys = append(keys, v)
	}
	slices.SortFunc(keys, func(x, y uint64) int { return cmp.Compare(ranked(x), ranked(y)) })
	return keys
}

func compareUnattributed(x, y Unattributed) int {
	if c := cmp.Compare(conversionIndex(x.Conversion), conversionIndex(y.Conversion)); c != 0 {
		return c
	}
	return cmp.Compare(x.StoreID, y.StoreID)
}

// ParsePartial decodes a partial written by Partial.MarshalJSON under
// rules that attribute as r does, to be merged or to give its Result. It
// decodes strictly (o2o.DecodeJSON: unknown or repeated fields, trailing
// data and the limits of depth and keys refused, errors naming the JSON
// path) and checks the sums hold together (credit units sum to the
// attributed conversions, weights to their value, attributed and
// unattributed conversions to all of them, indices in range, no row
// twice). Errors wrap o2o.ErrInvalid: ErrMismatchedRules for a partial of
// other attribution rules, ErrWholeDataSet under the Markov model,
// o2o.ErrDuplicate for a repeated source, store or row.
func (r *Rules) ParsePartial(data []byte) (*Partial, error) {
	if r.model == ModelMarkov {
		return nil, ErrWholeDataSet
	}
	var in partialJSON
	if err := o2o.DecodeJSON(data, &in); err != nil {
		return nil, err
	}
	switch {
	case in.Version != partialVersion:
		return nil, o2o.Invalidf("version", "must be %d, got %d", partialVersion, in.Version)
	case in.Rules != r.attribution():
		return nil, o2o.InvalidAs(ErrMismatchedRules, "rules", fmt.Sprintf("the partial was made under %q, these rules are %q", in.Rules, r.attribution()))
	}
	a := newAccumulator(r, nil, nil)
	for _, step := range []func(*accumulator, *partialJSON) error{
		decodeTotals, decodeSources, decodeStores, decodeCredits, decodeUnattributed, decodeTraffic,
	} {
		if err := step(a, &in); err != nil {
			return nil, err
		}
	}
	return &Partial{acc: a}, nil
}

// decodeTotals reads the counts, the currency and the attributed value.
func decodeTotals(a *accumulator, in *partialJSON) error {
	for _, f := range []struct {
		path string
		v    int64
	}{{"conversions", in.Conversions}, {"attributed", in.Attributed}, {"customers", in.Customers}} {
		if f.v < 0 {
			return o2o.Invalidf(f.path, "must not be negative, got %d", f.v)
		}
	}
	switch {
	case in.Attributed > in.Conversions:
		return o2o.Invalidf("attributed", "is %d, more than the %d conversions", in.Attributed, in.Conversions)
	case in.Attributed > maxInt64/Scale:
		return o2o.Invalidf("attributed", "must be at most %d", maxInt64/Scale)
	case in.Currency == nil && in.Conversions > 0:
		return o2o.Invalid("currency", "is required when there are conversions")
	case in.Currency != nil && in.Conversions == 0:
		return o2o.Invalid("currency", "must be absent when there are no conversions")
	}
	if in.Currency != nil {
		a.currency, a.hasCurrency = *in.Currency, true
	}
	hi, lo, err := parseU128("value", in.Value)
	if err != nil {
		return err
	}
	a.value = [2]uint64{hi, lo}
	a.conversions, a.attributed, a.customers = in.Conversions, in.Attributed, in.Customers
	return nil
}

const maxInt64 = int64(^uint64(0) >> 1)

// parseU128 reads a decimal integer of at most 128 bits, written without
// sign or leading zeros.
func parseU128(path, s string) (hi, lo uint64, err error) {
	// 2^128 has 39 digits: a longer text is refused before big.Int,
	// whose parse of a long text is slow, reads it.
	var v *big.Int
	ok := len(s) <= 39
	if ok {
		v, ok = new(big.Int).SetString(s, 10)
	}
	if !ok || v.Sign() < 0 || v.BitLen() > 128 || v.String() != s {
		return 0, 0, o2o.Invalidf(path, "must be a decimal integer from 0 to 2^128-1 without leading zeros, got %.40q", s)
	}
	mask := new(big.Int).SetUint64(^uint64(0))
	lo = new(big.Int).And(v, mask).Uint64()
	hi = v.Rsh(v, 64).Uint64()
	return hi, lo, nil
}

// reach sets acc from r, checking the counts: none negative, none above
// the customers reached, who are at most the partial's customers.
func (r reachJSON) set(path string, acc *reachAcc, customers int64) error {
	n := [4]int64{r.Customers, r.Visitors, r.Buyers, r.Payers}
	if n[0] < 0 || n[0] > customers {
		return o2o.Invalidf(path+".customers", "must be 0 to the partial's %d customers, got %d", customers, n[0])
	}
	for i, name := range []string{"visitors", "buyers", "payers"} {
		if v := n[i+1]; v < 0 || v > n[0] {
			return o2o.Invalidf(path+"."+name, "must be 0 to the %d customers reached, got %d", n[0], v)
		}
	}
	acc.n = n
	return nil
}

// decodeSources interns the sources in their listed order and sets the
// reach of sources, campaigns and sales modes.
func decodeSources(a *accumulator, in *partialJSON) error {
	for i, s := range in.Sources {
		path := indexPath("sources", i)
		src := Source{Kind: s.Kind, Campaign: s.Campaign}
		if !s.Kind.Valid() {
			return o2o.Invalidf(path+".kind", "unknown touch kind %q", string(s.Kind))
		}
		if _, dup := a.index[src]; dup {
			return o2o.InvalidAs(o2o.ErrDuplicate, path, fmt.Sprintf("repeats source %s", src))
		}
		a.intern(src)
		if err := s.Reach.set(path+".reach", &a.rs.sources[i], in.Customers); err != nil {
			return err
		}
	}
	seen := make([]bool, len(a.rs.campNames))
	for i, c := range in.Campaigns {
		path := indexPath("campaigns", i)
		j, ok := a.rs.campByKey[c.Campaign]
		switch {
		case !ok:
			return o2o.Invalidf(path+".campaign", "%q is the campaign of no source", c.Campaign)
		case seen[j]:
			return o2o.InvalidAs(o2o.ErrDuplicate, path+".campaign", fmt.Sprintf("repeats %q", c.Campaign))
		}
		seen[j] = true
		if err := c.Reach.set(path+".reach", &a.rs.campaigns[j], in.Customers); err != nil {
			return err
		}
	}
	if len(in.Campaigns) != len(a.rs.campNames) {
		return o2o.Invalidf("campaigns", "has %d campaigns, the sources %d", len(in.Campaigns), len(a.rs.campNames))
	}
	if err := in.Channels.B2C.set("channels.b2c", &a.rs.channels[0], in.Customers); err != nil {
		return err
	}
	return in.Channels.O2O.set("channels.o2o", &a.rs.channels[1], in.Customers)
}

// decodeStores interns the stores in their listed order, with their reach.
func decodeStores(a *accumulator, in *partialJSON) error {
	for i, s := range in.Stores {
		path := indexPath("stores", i)
		if _, dup := a.storeIndex[s.ID]; dup {
			return o2o.InvalidAs(o2o.ErrDuplicate, path+".id", fmt.Sprintf("repeats store %q", s.ID))
		}
		a.internStore(s.ID)
		if err := s.Reach.set(path+".reach", &a.rs.stores[i], in.Customers); err != nil {
			return err
		}
	}
	return nil
}

// indices checks a row's source and store indices.
func (a *accumulator) indices(path string, src, store int) error {
	switch {
	case src < 0 || src >= len(a.sources):
		return o2o.Invalidf(path+".source", "must index sources (0 to %d), got %d", len(a.sources)-1, src)
	case store < 0 || store >= len(a.stores):
		return o2o.Invalidf(path+".store", "must index stores (0 to %d), got %d", len(a.stores)-1, store)
	}
	return nil
}

// decodeCredits sets the credit cells and checks that units sum to the
// attributed conversions × Scale and weights to their value × Scale.
func decodeCredits(a *accumulator, in *partialJSON) error {
	var units int64
	weights := new(big.Int)
	for i, c := range in.Credits {
		path := indexPath("credits", i)
		if err := a.indices(path, c.Source, c.Store); err != nil {
			return err
		}
		if !c.Conversion.Valid() {
			return o2o.Invalidf(path+".conversion", "unknown conversion kind %q", string(c.Conversion))
		}
		if c.Units <= 0 || c.Units > in.Attributed*Scale-units {
			return o2o.Invalidf(path+".units", "must be above 0, and all units at most attributed × %d", Scale)
		}
		units += c.Units
		hi, lo, err := parseU128(path+".weight", c.Weight)
		if err != nil {
			return err
		}
		k := creditKey{src: int32(c.Source), kind: int8(conversionIndex(c.Conversion)), store: int32(c.Store)}
		if _, dup := a.cells[k.pack()]; dup {
			return o2o.InvalidAs(o2o.ErrDuplicate, path, "repeats the credit of a source, conversion kind and store")
		}
		*a.cell(k) = creditCell{units: c.Units, valHi: hi, val: lo}
		weights.Add(weights, bigU128(hi, lo))
	}
	if units != in.Attributed*Scale {
		return o2o.Invalidf("credits", "units sum to %d, not attributed × %d = %d", units, Scale, in.Attributed*Scale)
	}
	want := bigU128(a.value[0], a.value[1])
	if weights.Cmp(want.Mul(want, big.NewInt(Scale))) != 0 {
		return o2o.Invalidf("credits", "weights sum to %s, not value × %d = %s", weights, Scale, want)
	}
	return nil
}

// decodeUnattributed sets the unattributed rows: conversions above 0,
// values in the partial's currency, not negative, in whole minor units;
// with the attributed, they are every conversion.
func decodeUnattributed(a *accumulator, in *partialJSON) error {
	total := in.Attributed
	for i := range in.Unattributed {
		u := in.Unattributed[i]
		path := indexPath("unattributed", i)
		k := unKey{u.Conversion, u.StoreID}
		switch {
		case !u.Conversion.Valid():
			return o2o.Invalidf(path+".conversion", "unknown conversion kind %q", string(u.Conversion))
		case u.Conversions <= 0 || u.Conversions > in.Conversions-total:
			return o2o.Invalidf(path+".conversions", "must be above 0, and with the attributed at most the %d conversions", in.Conversions)
		case u.Value.Currency() != a.currency:
			return fmt.Errorf("%s.value: %w: %s and %s", path, o2o.ErrCurrencyMismatch, a.currency, u.Value.Currency())
		case u.Value.IsNegative() || !u.Value.IsWhole():
			return o2o.Invalidf(path+".value", "must be a whole number of minor units, not negative, got %s", u.Value)
		case a.unattributed[k] != nil:
			return o2o.InvalidAs(o2o.ErrDuplicate, path, "repeats the row of a conversion kind and store")
		}
		total += u.Conversions
		a.unattributed[k] = &u
	}
	if total != in.Conversions {
		return o2o.Invalidf("unattributed", "conversions sum with the attributed to %d, not the %d conversions", total, in.Conversions)
	}
	return nil
}

// decodeTraffic sets the traffic and drawn rows.
func decodeTraffic(a *accumulator, in *partialJSON) error {
	row := func(m map[uint64]int64, path string, src int, ch o2o.Channel, store int, n int64) error {
		if err := a.indices(path, src, store); err != nil {
			return err
		}
		if ch != o2o.ChannelB2C && ch != o2o.ChannelO2O {
			return o2o.Invalidf(path+".channel", "must be b2c or o2o, got %q", string(ch))
		}
		k := trafficKey{src: int32(src), channel: channelIndex(ch), store: int32(store)}.pack()
		switch _, dup := m[k]; {
		case n <= 0:
			return o2o.Invalidf(path, "count must be above 0, got %d", n)
		case dup:
			return o2o.InvalidAs(o2o.ErrDuplicate, path, "repeats the row of a source, sales mode and store")
		}
		m[k] = n
		return nil
	}
	for i, t := range in.Traffic {
		if err := row(a.traffic, indexPath("traffic", i), t.Source, t.Channel, t.Store, t.Touches); err != nil {
			return err
		}
	}
	for i, d := range in.Drawn {
		if err := row(a.drawn, indexPath("drawn", i), d.Source, d.Channel, d.Store, d.Units); err != nil {
			return err
		}
	}
	return nil
}
