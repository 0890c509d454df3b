package regions_test

import (
	"fmt"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/regions"
)

// The registry walks the tree of divisions and names each level.
func ExampleRegistry_Children() {
	china := regions.China()
	dongguan := o2o.MustRegionCode("441900")
	r, _ := china.Lookup(dongguan)
	fmt.Println(r.Name, r.Level)
	// Dongguan has no county level: its townships hang off the city's code.
	for _, t := range china.Children(dongguan)[:3] {
		fmt.Println(" ", china.Label(t))
	}
	// Output:
	// 东莞市 city
	//   东莞市东城街道 (441900003)
	//   东莞市南城街道 (441900004)
	//   东莞市万江街道 (441900005)
}

// A *Registry is an o2o.RegionNames: pass it to whatever asks for one, such
// as Order.CheckRegions. Codes under 71, 81 and 82, which the data does not
// cover, pass Check: the registry cannot judge them.
func ExampleRegistry_Check() {
	var names o2o.RegionNames = regions.China()
	for _, c := range []string{"440305001", "440660103", "810000", "810101"} {
		code := o2o.MustRegionCode(c)
		fmt.Printf("%s: %v\n", o2o.RegionLabel(names, code), names.Check(code))
	}
	// Output:
	// 深圳市南山区南头街道 (440305001): <nil>
	// 440660103: invalid: region 440660103 is well-formed but names no division in the 2022-10-31 data
	// 香港特别行政区 (810000): <nil>
	// 810101: <nil>
}
