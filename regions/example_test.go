package regions_test

import (
	"fmt"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/regions"
)

// A registry tells a real code from a merely well-formed one, and names it.
func Example() {
	china := regions.China()
	nanshan := o2o.MustRegionCode("440305")
	fmt.Println(china.Label(nanshan))
	fmt.Println(china.FullName(o2o.MustRegionCode("440305001")))

	// 440660103 has the shape of a township code, but no such township exists.
	fake, err := o2o.ParseRegionCode("440660103")
	fmt.Println(err)
	fmt.Println(china.Check(fake))
	fmt.Println("data as of", china.Version())
	// Output:
	// 深圳市南山区 (440305)
	// 广东省深圳市南山区南头街道
	// <nil>
	// invalid: region 440660103 is well-formed but names no division in the 2022-10-31 data
	// data as of 2022-10-31
}
