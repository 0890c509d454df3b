package month

import "github.com/o2okit/o2okit/settlement/drainage"

// chunk is how many journeys AttributeJourneys adds to its partial at once.
const chunk = 4096

// AttributeJourneys attributes one partition's journeys into a partial
// (drainage.Partial), which merges exactly with the other partitions'
// partials. Every journey must hold all of its customer's touches and
// conversions (partition by CustomerKey). Errors are drainage.Partial.Add's.
func AttributeJourneys(rules *drainage.Rules, journeys []Journey) (*drainage.Partial, error) {
	return attribute(rules, journeys, indices(len(journeys)))
}

// attribute is AttributeJourneys of the journeys at idx.
func attribute(rules *drainage.Rules, journeys []Journey, idx []int) (*drainage.Partial, error) {
	p, err := rules.NewPartial()
	if err != nil {
		return nil, err
	}
	var touches []drainage.Touch
	var convs []drainage.Conversion
	for lo := 0; lo < len(idx); lo += chunk {
		touches, convs = touches[:0], convs[:0]
		for _, i := range idx[lo:min(lo+chunk, len(idx))] {
			touches = append(touches, journeys[i].Touches...)
			convs = append(convs, journeys[i].Conversions...)
		}
		if err := p.Add(touches, convs); err != nil {
			return nil, err
		}
	}
	return p, nil
}
