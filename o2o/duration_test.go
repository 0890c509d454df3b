package o2o_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		text string
	}{
		{"7d", 7 * o2o.Day, "7d"},
		{"0d", 0, "0s"},
		{"48h", 48 * time.Hour, "2d"},
		{"2d12h", 60 * time.Hour, "2d12h0m0s"},
		{"90m", 90 * time.Minute, "1h30m0s"},
		{"1d30m", o2o.Day + 30*time.Minute, "1d30m0s"},
		{"0", 0, "0s"},
	}
	for _, tt := range tests {
		d, err := o2o.ParseDuration(tt.in)
		if err != nil || d.Std() != tt.want || d.String() != tt.text {
			t.Errorf("ParseDuration(%q) = %v (%s), %v; want %v (%s)", tt.in, d.Std(), d, err, tt.want, tt.text)
		}
		back, err := o2o.ParseDuration(d.String())
		if err != nil || back != d {
			t.Errorf("round trip of %q = %v, %v", tt.in, back, err)
		}
	}
	for _, bad := range []string{"", "d", "-1d", "1d-5h", "1d+5h", "-5h", "7 d", "1.5d", "106752d", "1dd", "106751d24h", "4294967296d"} {
		if _, err := o2o.ParseDuration(bad); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("ParseDuration(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	var holder struct {
		Window o2o.Duration `json:"window"`
	}
	if err := json.Unmarshal([]byte(`{"window":"30d"}`), &holder); err != nil || holder.Window.Std() != 30*o2o.Day {
		t.Errorf("Unmarshal = %v, %v", holder.Window, err)
	}
	if data, _ := json.Marshal(holder); string(data) != `{"window":"30d"}` {
		t.Errorf("Marshal = %s", data)
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"7d", "48h", "2d12h", "90m", "-1d", "1d-5h", "65535d2562047h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := o2o.ParseDuration(s)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("ParseDuration(%q) = %v, not ErrInvalid", s, err)
			}
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d.Std())
		}
		back, err := o2o.ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %s does not round-trip: %v, %v", s, d, back, err)
		}
	})
}

func TestDecimalFormatVerbs(t *testing.T) {
	d := o2o.MustDec("20.00")
	if got := fmt.Sprintf("%s %v %q", d, d, d); got != `20.00 20.00 "20.00"` {
		t.Errorf("fmt of Decimal = %s", got)
	}
}

func TestMoneyHelpers(t *testing.T) {
	first, second := o2o.China(), o2o.China()
	if first != second {
		t.Error("China() should return one shared location")
	}
	if z := o2o.Currency("USD").Zero(); !z.IsZero() || z.Currency() != "USD" {
		t.Errorf("USD Zero = %v", z)
	}
	if z := o2o.Currency("").Zero(); z.Currency() != o2o.CNY {
		t.Errorf("zero Currency's Zero = %v, want CNY", z)
	}
	if got := o2o.MustParseMoney("3999.00").Percent(decimal.New(5, 0)); got.AmountString() != "199.9500" {
		t.Errorf("5%% of 3999.00 = %s", got.AmountString())
	}
	err := o2o.InvalidAs(o2o.ErrDuplicate, "id", "repeats")
	var ve *o2o.ValidationError
	if !errors.Is(err, o2o.ErrDuplicate) || !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) || ve.Fields[0].Path != "id" {
		t.Errorf("InvalidAs = %v", err)
	}
}
