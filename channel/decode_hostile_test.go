package channel

import (
	"errors"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

// TestDecodersHostile feeds every decoder of the package input built to
// hurt it; each must return an error wrapping o2o.ErrInvalid, within a
// time and memory bound, and never panic.
func TestDecodersHostile(t *testing.T) {
	n := testNetwork(t)
	cat := testCatalog(t)
	decoders := map[string]func([]byte) error{
		"ParseConfig": func(b []byte) error { _, err := ParseConfig(b); return err },
		"Load":        func(b []byte) error { _, err := Load(b, cat); return err },
		"ParseLeads":  func(b []byte) error { _, err := n.ParseLeads(b, received); return err },
		"Leads":       func(b []byte) error { var l Leads; return o2o.DecodeJSON(b, &l) },
		"Facts":       func(b []byte) error { var f Facts; return o2o.DecodeJSON(b, &f) },
	}
	huge := strings.Repeat("x", 1<<20)
	lead := func(customer, at string) string {
		return `{"customer":` + customer + `,"party":{"kind":"store","id":"SZ-NT"},"at":` + at + `}`
	}
	inputs := map[string]map[string][]byte{
		"deep nesting":    all(decoders, hostile.Nested(20_000)),
		"deep closed":     all(decoders, hostile.NestedClosed(20_000)),
		"many keys":       all(decoders, hostile.ManyKeys(3_000)),
		"huge string":     all(decoders, []byte(`{"`+huge+`":1}`)),
		"byte-order mark": all(decoders, []byte("\xef\xbb\xbf{}")),
		"number for string": {
			"ParseConfig": []byte(`{"stores":[{"id":1}]}`),
			"ParseLeads":  []byte(`{"protectionDays":30,"held":[` + lead("1", `"2024-05-01T10:00:00+08:00"`) + `],"conflicts":[]}`),
			"Facts":       []byte(`{"need":7}`),
		},
		"huge numbers": {
			"ParseConfig": []byte(`{"leads":{"protectionDays":1e400}}`),
			"ParseLeads":  []byte(`{"protectionDays":99999999999999999999999,"held":[],"conflicts":[]}`),
			"Load":        []byte(`{"showcase":{"refreshDays":-1}}`),
		},
		"instant past 9999": {
			"ParseLeads": []byte(`{"protectionDays":30,"held":[` + lead(`"C"`, `"9999-12-31T10:00:00+08:00"`) + `],"conflicts":[]}`),
			"Leads":      []byte(`{"protectionDays":30,"held":[` + lead(`"C"`, `"9999-12-31T10:00:00+08:00"`) + `],"conflicts":[]}`),
		},
		"unknown region and enum": {
			"Load":  []byte(`{"stores":[{"id":"A","covers":["990000"],"capabilities":["retail"]}]}`),
			"Facts": []byte(`{"need":"teleport"}`),
		},
	}
	for name, byDecoder := range inputs {
		for dec, data := range byDecoder {
			t.Run(name+"/"+dec, func(t *testing.T) {
				bound := hostile.Default
				bound.Time *= raceSlowdown
				err := hostile.Within(t, bound, dec, func() error { return decoders[dec](data) })
				if !errors.Is(err, o2o.ErrInvalid) {
					t.Errorf("err = %.300v, want one wrapping o2o.ErrInvalid", err)
				}
			})
		}
	}
}

func all(decoders map[string]func([]byte) error, data []byte) map[string][]byte {
	out := map[string][]byte{}
	for name := range decoders {
		out[name] = data
	}
	return out
}
