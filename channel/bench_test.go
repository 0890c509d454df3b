package channel

import (
	"fmt"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// benchNetwork builds a network of size service points across the 31
// mainland provinces from the real county codes in testdata: one store per
// county (every 10th cannot measure), then city stores, and a fused dealer
// per province for the conflict check.
func benchNetwork(b *testing.B, size int) (*Network, []o2o.RegionCode) {
	b.Helper()
	counties := regionList(b, "counties.txt")
	step := max(1, len(counties)/size)
	var cfg Config
	var deliveries []o2o.RegionCode
	for i := 0; i < len(counties) && len(cfg.Stores) < size; i += step {
		caps := []Capability{CapRetail, CapMeasurement}
		if i%10 == 0 {
			caps = []Capability{CapRetail}
		}
		cfg.Stores = append(cfg.Stores, StoreConfig{ID: fmt.Sprintf("S-%04d", i), Covers: []o2o.RegionCode{counties[i]}, Capabilities: caps})
		deliveries = append(deliveries, counties[i])
	}
	cities := map[o2o.RegionCode]bool{}
	for _, c := range counties {
		if len(cfg.Stores) >= size {
			break
		}
		if city := c.City(); !cities[city] && city != c {
			cities[city] = true
			cfg.Stores = append(cfg.Stores, StoreConfig{ID: "CITY-" + city.String(), Covers: []o2o.RegionCode{city}, Capabilities: []Capability{CapRetail, CapMeasurement}})
		}
	}
	provinces := map[o2o.RegionCode]bool{}
	for _, c := range counties {
		if p := c.Province(); !provinces[p] && p.String() != "110000" {
			provinces[p] = true
			cfg.Dealers = append(cfg.Dealers, DealerConfig{ID: "DL-" + p.String(), Mode: ModeFused, Territory: []o2o.RegionCode{p}})
		}
	}
	n, err := cfg.Build(testCatalog(b))
	if err != nil {
		b.Fatal(err)
	}
	return n, deliveries
}

// routeNaive is the baseline: scan every service point and every region it
// covers, keeping the capable one covering the closest level.
func routeNaive(n *Network, delivery o2o.RegionCode, need Capability) (PartyRef, bool) {
	best, bestRank := -1, 0
	for i := range n.points {
		p := &n.points[i]
		for _, c := range p.covers {
			if c.Contains(delivery) && p.caps.has(need) {
				if r := c.Level().Rank(); r > bestRank || (r == bestRank && tieOrder(p, &n.points[best]) < 0) {
					best, bestRank = i, r
				}
			}
		}
	}
	if best < 0 {
		return PartyRef{}, false
	}
	return n.points[best].ref, true
}

func BenchmarkRoute(b *testing.B) {
	for _, size := range []int{30, 3000} {
		n, deliveries := benchNetwork(b, size)
		orders := make([]o2o.Order, len(deliveries))
		for i, d := range deliveries {
			orders[i] = order("B", o2o.ChannelO2O, d.String())
		}
		b.Run(fmt.Sprintf("indexed/points=%d", len(n.points)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := n.Route(orders[i%len(orders)], CapMeasurement); err != nil && !isNoRoute(err) {
					b.Fatal(err)
				}
			}
		})
		// before is Route as it was: the whole order validated (validator
		// reflection) on every call, then the same routing path.
		b.Run(fmt.Sprintf("before-full-validation/points=%d", len(n.points)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				o := orders[i%len(orders)]
				if err := o.Validate(); err != nil {
					b.Fatal(err)
				}
				if _, err := n.route(o, CapMeasurement); err != nil && !isNoRoute(err) {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("naive/points=%d", len(n.points)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				routeNaive(n, deliveries[i%len(deliveries)], CapMeasurement)
			}
		})
	}
}

func isNoRoute(err error) bool { _, ok := err.(*RouteError); return ok }

func BenchmarkCheckOrder(b *testing.B) {
	for _, size := range []int{30, 3000} {
		n, deliveries := benchNetwork(b, size)
		leads, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: Store(n.points[0].ref.ID), At: day(1)}, received)
		if err != nil {
			b.Fatal(err)
		}
		orders := make([]o2o.Order, len(deliveries))
		for i, d := range deliveries {
			orders[i] = order("B", o2o.ChannelO2O, d.String(), lines("SOFA-S3", "TILE-800", "FLOOR-D7"), served(o2o.PartyStore, n.points[(i+1)%len(n.points)].ref.ID, ""))
		}
		b.Run(fmt.Sprintf("points=%d", len(n.points)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := n.CheckOrder(orders[i%len(orders)], Facts{Leads: leads, Coupons: []Coupon{{Code: "X", Customer: "C-1", Store: "S-0001"}}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestNaiveAgreesWithIndexed checks the benchmark's baseline against Route,
// so the comparison is between two correct implementations.
func TestNaiveAgreesWithIndexed(t *testing.T) {
	n := testNetwork(t)
	for _, town := range regionList(t, "townships.txt") {
		for _, need := range Capabilities() {
			d, err := n.Route(order("P", o2o.ChannelO2O, town.String()), need)
			ref, ok := routeNaive(n, town, need)
			if (err == nil) != ok || (ok && d.Serve != ref) {
				t.Fatalf("%s %s: indexed %v %v, naive %v %v", town, need, d.Serve, err, ref, ok)
			}
		}
	}
}

// BenchmarkRegister registers one more customer into registries of growing
// size: the cost per registration grows with the logarithm of the size.
func BenchmarkRegister(b *testing.B) {
	n := testNetwork(b)
	for _, size := range []int{1_000, 30_000} {
		leads := make([]Lead, size)
		for i := range leads {
			leads[i] = Lead{Customer: fmt.Sprintf("C-%06d", i), Party: Store("SZ-NT"), At: day(1)}
		}
		reg, _, err := n.RegisterAll(leads, received)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, _, err := reg.Register(Lead{Customer: fmt.Sprintf("N-%d", i%1000), Party: Store("SZ-NS"), At: day(2)}, received); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
