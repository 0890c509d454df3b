package o2okit

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// TestRegionStoreMatchesRouting: the region store the Engine keeps per
// covered region is the one routing picks, for every county-level code of
// China, the townships of four cities, and every region of the sample.
func TestRegionStoreMatchesRouting(t *testing.T) {
	data, err := os.ReadFile("examples/rulebook/rulebook.json")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := LoadRulebook(data)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(rb)
	if err != nil {
		t.Fatal(err)
	}
	if e.regionStores == nil {
		t.Fatal("the sample prefers stores: the kept answers are expected")
	}
	var codes []o2o.RegionCode
	for _, name := range []string{"channel/testdata/counties.txt", "channel/testdata/townships.txt"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			c, err := o2o.ParseRegionCode(line)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, c, c.City(), c.Province())
		}
		f.Close()
	}
	for _, s := range []string{"440305001", "440304001", "441900003", "330106002", "330203001", "510107001", "440000", "330000"} {
		codes = append(codes, o2o.MustRegionCode(s))
	}
	found := 0
	for _, c := range codes {
		if c.IsZero() {
			continue
		}
		got, want := e.regionStore(o2o.Order{Customer: o2o.Customer{Home: c}}), e.routeRegionStore(c)
		if got != want {
			t.Errorf("%s: kept %q, routing %q", c, got, want)
		}
		if got != "" {
			found++
		}
	}
	if found < 100 {
		t.Errorf("only %d regions have a store: the test compares too little", found)
	}
}

// TestRegionStoreUnderRefuse: with the refuse tie rule the Engine keeps no
// answers and asks routing each time.
func TestRegionStoreUnderRefuse(t *testing.T) {
	data, err := os.ReadFile("examples/rulebook/rulebook.json")
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), `"ties": "prefer_store"`, `"ties": "refuse"`, 1))
	rb, err := LoadRulebook(data)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := NewEngine(rb)
	if e.regionStores != nil {
		t.Fatal("answers kept under the refuse rule")
	}
	if got := e.regionStore(o2o.Order{Customer: o2o.Customer{Home: o2o.MustRegionCode("440305001")}}); got != "store-nanshan" {
		t.Errorf("region store %q", got)
	}
}
