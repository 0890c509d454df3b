package settlement

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// TestInstantsPastYear9999 feeds instants whose month (in +08:00) ends past
// year 9999 to every entry point that keeps one: each is refused at input,
// where it used to be accepted and then make the ledger's snapshot, the
// split or the statement impossible to write.
func TestInstantsPastYear9999(t *testing.T) {
	late := time.Date(9999, 12, 31, 20, 0, 0, 0, time.UTC) // 10000-01-01 in +08:00
	december := time.Date(9999, 12, 5, 0, 0, 0, 0, o2o.China())
	ok := time.Date(9999, 11, 30, 23, 59, 59, 0, o2o.China())
	for _, at := range []time.Time{late, december, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		l := MustLedger(Config{})
		p := post("k", "a", "b", "1.00")
		p.At = at
		if _, err := l.Apply(Batch{Postings: []Posting{p}}); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Apply at %v: %v", at, err)
		}
		if l.Len() != 0 {
			t.Errorf("a refused posting at %v changed the ledger", at)
		}
		o := testOrder(o2o.ChannelO2O, "1000.00", "333.33")
		o.Order.At = at
		if _, err := testSplitter(t).Split(o, Routing{RegionStore: "store-2"}, dealerEnt); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Split at %v: %v", at, err)
		}
		if _, err := testSplitter(t).SplitValidated(o, Routing{RegionStore: "store-2"}, dealerEnt); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("SplitValidated at %v: %v", at, err)
		}
		r, err := NewReversible(testSplit(t).Batch, o2o.Quantity{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Full("RET", at); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Full at %v: %v", at, err)
		}
		if _, _, err := r.Partial("RET", cny("1.00"), at); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Partial at %v: %v", at, err)
		}
		pos := testPosition()
		if _, _, err := pos.Invest(cny("1.00"), "inv", at); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Invest at %v: %v", at, err)
		}
		if _, _, err := pos.Advance(cny("1.00"), "adv", at); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Advance at %v: %v", at, err)
		}
		if _, err := Repay(pos, cny("1.00"), "rep", at); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Repay at %v: %v", at, err)
		}
		req := Request{ID: "B-1", Station: "s", City: o2o.MustRegionCode("440300"), Amount: cny("1.00"), At: at}
		if _, err := testAuthority(t).Decide(req, Approver{"v", LevelVP}, cny("0")); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Decide at %v: %v", at, err)
		}
	}
	// The last month accepted: everything derived from it can be written.
	l := MustLedger(Config{})
	p := post("k", "a", "b", "1.00")
	p.At = ok
	mustApply(t, l, p)
	st, err := l.Statement("a", MonthOf(ok, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{l, st} {
		if _, err := json.Marshal(v); err != nil {
			t.Errorf("%T: %v", v, err)
		}
	}
	// A period that cannot be written is refused.
	if _, err := l.Statement("a", Month(9999, 12, nil)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("statement for 9999-12: %v", err)
	}
}

// TestDecideProvinceCity: a request whose city is a province code had no
// City() and escaped the monthly city cap (4,000 on top of 99,000 in a city
// capped at 100,000, approved by an area director). It is refused; county
// and township codes count against their city, Dongguan's included.
func TestDecideProvinceCity(t *testing.T) {
	cfg := AuthorityConfig{Bands: []Band{{UpTo: ptr(cny("5000.00")), Level: LevelAreaDirector}, {Level: LevelVP}},
		Caps: []CityCap{{City: o2o.MustRegionCode("440300"), Cap: cny("100000.00")}, {City: o2o.MustRegionCode("441900"), Cap: cny("100000.00")}}}
	a, err := cfg.Build()
	if err != nil {
		t.Fatal(err)
	}
	director := Approver{"d", LevelAreaDirector}
	req := func(city string) Request {
		return Request{ID: "B-1", Station: "s", City: o2o.MustRegionCode(city), Amount: cny("4000.00"), At: t0}
	}
	for _, city := range []string{"440000", "110000"} {
		_, err := a.Decide(req(city), director, cny("99000.00"))
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Path != "request.city" {
			t.Errorf("province %s: %v", city, err)
		}
	}
	for _, city := range []string{"440300", "440305", "440305001", "441900", "441900003"} {
		d, err := a.Decide(req(city), director, cny("99000.00"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != OutcomeOverCap || d.Cap == nil {
			t.Errorf("%s: %+v", city, d)
		}
	}
}
