package pipeline

import (
	"bytes"
	"testing"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

// codec is one coder: its decoder, and its encoder of what it decoded.
type codec struct {
	name      string
	roundTrip func([]byte) ([]byte, error)
}

var codecs = []codec{
	{"order", func(b []byte) ([]byte, error) {
		o, err := decodeOrder(b)
		if err != nil {
			return nil, err
		}
		return encodeOrder(o)
	}},
	{"journey", func(b []byte) ([]byte, error) {
		j, err := decodeJourney(b)
		if err != nil {
			return nil, err
		}
		return encodeJourney(j)
	}},
	{"settled", func(b []byte) ([]byte, error) {
		s, err := decodeSettled(b)
		if err != nil {
			return nil, err
		}
		return encodeSettled(s)
	}},
	{"attribution", func(b []byte) ([]byte, error) {
		a, err := decodeAttribution(b)
		if err != nil {
			return nil, err
		}
		return encodeAttribution(a)
	}},
}

// seedEncodings returns an encoding of each coder's type, from the first
// partition of the small month closed on three.
func seedEncodings(t testing.TB) [][]byte {
	t.Helper()
	m, _ := smallMonth()
	var orders []month.Order
	var journeys []month.Journey
	for _, o := range m.Orders {
		if month.Partition(month.OrderKey(o), 3) == 0 {
			orders = append(orders, o)
		}
	}
	for _, j := range m.Journeys {
		if month.Partition(month.CustomerKey(j), 3) == 0 {
			journeys = append(journeys, j)
		}
	}
	settled, err := month.SettleOrders(m.Setup, orders)
	if err != nil {
		t.Fatal(err)
	}
	partial, err := month.AttributeJourneys(m.Setup.Drainage, journeys)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, enc := range []func() ([]byte, error){
		func() ([]byte, error) { return encodeOrder(orders[0]) },
		func() ([]byte, error) { return encodeJourney(journeys[0]) },
		func() ([]byte, error) { return encodeSettled(settled) },
		func() ([]byte, error) {
			return encodeAttribution(&Attribution{Rules: m.Setup.Drainage, Partial: partial})
		},
	} {
		b, err := enc()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestCodersRoundTrip: what each coder encodes, it decodes and encodes
// again to the same bytes.
func TestCodersRoundTrip(t *testing.T) {
	for i, b := range seedEncodings(t) {
		got, err := codecs[i].roundTrip(b)
		if err != nil {
			t.Fatalf("%s: %v", codecs[i].name, err)
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%s: encoded again to %d bytes, differing from the %d first encoded", codecs[i].name, len(got), len(b))
		}
	}
}

// FuzzDecoders: the decoders refuse bad input with an error, never a panic,
// and what one decodes encodes to bytes it decodes to the same again.
func FuzzDecoders(f *testing.F) {
	for i, b := range seedEncodings(f) {
		f.Add(uint8(i), b)
		f.Add(uint8(i), b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		c := codecs[int(which)%len(codecs)]
		once, err := c.roundTrip(data)
		if err != nil {
			return
		}
		twice, err := c.roundTrip(once)
		if err != nil {
			t.Fatalf("%s: decoding what it encoded: %v", c.name, err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("%s: not stable: %q, then %q", c.name, once, twice)
		}
	})
}
