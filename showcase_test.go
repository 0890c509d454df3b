package o2okit_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// TestCheckShowcase: eligibility is asked for the store's own province. With
// the network rule reporting instead of matching, a tile observed at 86.00 is
// the lowest in Guangdong (85.00) but not in Zhejiang (88.00).
func TestCheckShowcase(t *testing.T) {
	data := bytes.Replace(sampleRulebook(t), []byte(`"mode": "match"`), []byte(`"mode": "report"`), 1)
	rb, err := o2okit.LoadRulebook(data)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := o2okit.NewEngine(rb)
	obs := []pricing.Observation{{Source: "rival-mall", Brand: "Dongpeng", Model: "YF600", Price: money("86.00"),
		ObservedAt: orderAt.Add(-time.Hour), ValidUntil: orderAt.Add(time.Hour)}}
	for _, tt := range []struct {
		store string
		ok    bool
	}{{"store-nanshan", true}, {"store-xihu", false}} {
		r, err := e.CheckShowcase(channel.ShowcasePlan{Store: tt.store, HotProducts: []string{"TILE-YF600"}, RefreshedAt: orderAt.Add(-24 * time.Hour)}, orderAt, obs)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() != tt.ok {
			t.Errorf("%s: OK %v, want %v: %+v", tt.store, r.OK(), tt.ok, r.Violations)
		}
	}
	_, err = e.CheckShowcase(channel.ShowcasePlan{Store: "store-nowhere", HotProducts: []string{"TILE-YF600"}, RefreshedAt: orderAt}, orderAt, nil)
	if !errors.Is(err, o2o.ErrNotFound) {
		t.Errorf("unknown store: %v", err)
	}
}
