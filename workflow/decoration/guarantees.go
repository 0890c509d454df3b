package decoration

import (
	"time"

	"github.com/o2okit/o2okit/workflow"
)

// Guarantee names one of the five guarantees the decoration process makes to
// the owner (几大保障).
type Guarantee string

// The five guarantees.
const (
	GuaranteeEco           Guarantee = "eco_products"
	GuaranteeProvincePrice Guarantee = "province_price"
	GuaranteePlatformOrder Guarantee = "platform_order"
	GuaranteeLiveVideo     Guarantee = "live_video"
	GuaranteeMaintenance   Guarantee = "free_maintenance"
)

// GuaranteeCheck says whether a guarantee holds on a project, and why.
type GuaranteeCheck struct {
	Guarantee Guarantee `json:"guarantee"`
	Held      bool      `json:"held"`
	Reason    string    `json:"reason"`
}

// Guarantees checks the five guarantees as facts recorded on a
// decoration project, at instant at (free maintenance depends on it), in
// the order the process promises them in.
func Guarantees(in *workflow.Instance, at time.Time, w Warranty) []GuaranteeCheck {
	f := func(name string) string { v, _ := in.Fact(name); return v }
	check := func(g Guarantee, held bool, yes, no string) GuaranteeCheck {
		if held {
			return GuaranteeCheck{g, true, yes}
		}
		return GuaranteeCheck{g, false, no}
	}
	out := []GuaranteeCheck{
		check(GuaranteeEco, f(FactEcoCertified) == "true", "eco certificates present (产品环保保障)", "no eco certificates recorded yet"),
		check(GuaranteeProvincePrice, f(FactProvincePrice) == "true", "province-unified price on the order (价格全省统一)", "no province-unified price recorded"),
		check(GuaranteePlatformOrder, f(FactPlatformOrder) != "", "ordered through the platform as "+f(FactPlatformOrder), "no platform order recorded"),
	}
	switch {
	case f(FactLiveVideo) != "bought":
		out = append(out, GuaranteeCheck{GuaranteeLiveVideo, true, "live video not bought; nothing owed"})
	default:
		out = append(out, check(GuaranteeLiveVideo, f(FactLiveStream) != "", "live video bought and streaming as "+f(FactLiveStream), "live video bought but no stream recorded"))
	}
	h, err := time.Parse(time.RFC3339, f(FactHandedOverAt))
	switch {
	case err != nil:
		out = append(out, GuaranteeCheck{GuaranteeMaintenance, true, "not handed over yet; the warranty has not started"})
	default:
		until := h.Add(time.Duration(w.Construction))
		out = append(out, check(GuaranteeMaintenance, !at.After(until),
			"free maintenance until "+until.Format(time.RFC3339), "construction warranty ended "+until.Format(time.RFC3339)))
	}
	return out
}
