package channel

import (
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// The showcase rules.
const (
	// RuleShowcaseFew: a store shows only a few hot products (爆款), at least
	// one and at most the configured number, each once.
	RuleShowcaseFew Rule = "showcase.few_hot_products"
	// RuleShowcaseSellable: a hot product is one the store may sell (the
	// segregation check).
	RuleShowcaseSellable Rule = "showcase.sellable"
	// RuleShowcaseEligible: a hot product is store-eligible — a unified
	// national or provincial price and the network lowest for its brand and
	// model — by pricing's answer.
	RuleShowcaseEligible Rule = "showcase.eligible"
	// RuleShowcaseFresh: the plan is refreshed at least every configured
	// number of calendar days (定期更新).
	RuleShowcaseFresh Rule = "showcase.fresh"
)

// ShowcasePlan is a store's showcase: the hot products it shows and when
// the plan was last refreshed.
type ShowcasePlan struct {
	Store       string    `json:"store"`
	HotProducts []string  `json:"hotProducts"`
	RefreshedAt time.Time `json:"refreshedAt"`
}

// Eligibility is pricing's answer on a SKU's store eligibility, passed in as
// plain data (channel does not import pricing).
type Eligibility struct {
	SKU      string `json:"sku"`
	Eligible bool   `json:"eligible"`
	// Reason is pricing's explanation, quoted in violations.
	Reason string `json:"reason,omitempty"`
}

// Violation is one broken showcase rule.
type Violation struct {
	Rule   Rule   `json:"rule"`
	SKU    string `json:"sku,omitempty"`
	Reason string `json:"reason"`
}

// ShowcaseReport is the outcome of checking a plan at an instant.
type ShowcaseReport struct {
	Store string `json:"store"`
	// RefreshBy is the last calendar day (+08:00, as a midnight instant) on
	// which the plan is still fresh.
	RefreshBy  time.Time   `json:"refreshBy"`
	Violations []Violation `json:"violations"`
}

// OK reports whether the plan broke no rule.
func (r ShowcaseReport) OK() bool { return len(r.Violations) == 0 }

// CheckShowcase checks a store's plan at an instant against the showcase
// rules: one to the configured number of distinct hot products, each
// sellable by the store through O2O and eligible by pricing's answer
// (a SKU without an answer is a violation), and a refresh no more than the
// configured number of calendar days (+08:00) before at and not after it.
// Violations are listed in that order.
//
// Errors: an unknown store wraps o2o.ErrNotFound; a zero instant, an
// instant or refresh that is no date of years 0 to 9999 (or whose refresh
// period ends past 9999, so RefreshBy could not be written), or an
// eligibility list naming a SKU twice wraps o2o.ErrInvalid.
func (n *Network) CheckShowcase(plan ShowcasePlan, eligibility []Eligibility, at time.Time) (ShowcaseReport, error) {
	if !n.Has(Store(plan.Store)) {
		return ShowcaseReport{}, fmt.Errorf("showcase of store %q: %w", plan.Store, o2o.ErrNotFound)
	}
	if at.IsZero() {
		return ShowcaseReport{}, o2o.Invalid("at", "is required")
	}
	if !encodable(at) {
		return ShowcaseReport{}, o2o.Invalidf("at", "%s cannot be written as a date of years 0 to 9999 in a zone of whole minutes", at)
	}
	if !plan.RefreshedAt.IsZero() && !encodable(calendarDay(plan.RefreshedAt, n.loc).AddDate(0, 0, n.refreshDays)) {
		return ShowcaseReport{}, o2o.Invalidf("refreshedAt", "%s plus the %d-day refresh period ends past year 9999", plan.RefreshedAt.Format(time.RFC3339), n.refreshDays)
	}
	if !plan.RefreshedAt.IsZero() && !encodable(plan.RefreshedAt) {
		return ShowcaseReport{}, o2o.Invalidf("refreshedAt", "%s cannot be written as a date of years 0 to 9999 in a zone of whole minutes", plan.RefreshedAt)
	}
	answers := make(map[string]Eligibility, len(eligibility))
	for i, e := range eligibility {
		if _, dup := answers[e.SKU]; dup {
			return ShowcaseReport{}, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: fmt.Sprintf("eligibility[%d].sku", i), Reason: fmt.Sprintf("repeats SKU %q", e.SKU)}}, Err: o2o.ErrDuplicate}
		}
		answers[e.SKU] = e
	}
	r := ShowcaseReport{Store: plan.Store, Violations: []Violation{}}
	add := func(rule Rule, sku, format string, args ...any) {
		r.Violations = append(r.Violations, Violation{Rule: rule, SKU: sku, Reason: fmt.Sprintf(format, args...)})
	}
	switch k := len(plan.HotProducts); {
	case k == 0:
		add(RuleShowcaseFew, "", "the plan lists no hot product (爆款)")
	case k > n.maxHot:
		add(RuleShowcaseFew, "", "the plan lists %d hot products; a store shows only a few, at most %d", k, n.maxHot)
	}
	seen := make(map[string]bool, len(plan.HotProducts))
	for _, sku := range plan.HotProducts {
		if seen[sku] {
			add(RuleShowcaseFew, sku, "%s is listed twice", sku)
			continue
		}
		seen[sku] = true
		p, ok := n.catalog.Product(sku)
		if !ok {
			add(RuleShowcaseSellable, sku, "%s is not in the catalog", sku)
			continue
		}
		if v := n.verdict(Sale{SKU: sku, Channel: o2o.ChannelO2O, Seller: Store(plan.Store)}, p); !v.Allowed {
			add(RuleShowcaseSellable, sku, "%s", v.Reason)
			continue
		}
		e, ok := answers[sku]
		switch {
		case !ok:
			add(RuleShowcaseEligible, sku, "%s has no store-eligibility answer from pricing", sku)
		case !e.Eligible:
			add(RuleShowcaseEligible, sku, "%s is not store-eligible (unified price and network lowest, 全省统一价 and 全网最低): %s", sku, e.Reason)
		}
	}
	refreshed := calendarDay(plan.RefreshedAt, n.loc)
	r.RefreshBy = refreshed.AddDate(0, 0, n.refreshDays)
	today := calendarDay(at, n.loc)
	switch {
	case plan.RefreshedAt.IsZero():
		add(RuleShowcaseFresh, "", "the plan has never been refreshed")
	case plan.RefreshedAt.After(at):
		add(RuleShowcaseFresh, "", "the plan says it was refreshed at %s, after the check at %s", plan.RefreshedAt.In(n.loc).Format(time.RFC3339), at.In(n.loc).Format(time.RFC3339))
	case today.After(r.RefreshBy):
		add(RuleShowcaseFresh, "", "last refreshed on %s, %d days before %s; hot products are refreshed at least every %d days",
			refreshed.Format(time.DateOnly), daysBetween(refreshed, today), today.Format(time.DateOnly), n.refreshDays)
	}
	if plan.RefreshedAt.IsZero() {
		r.RefreshBy = time.Time{}
	}
	return r, nil
}

// calendarDay returns midnight of t's calendar day in loc.
func calendarDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// daysBetween counts the days from midnight a to midnight b of one fixed
// zone. It reads seconds, not a Duration, which stops at about 292 years.
func daysBetween(a, b time.Time) int64 { return (b.Unix() - a.Unix()) / (24 * 60 * 60) }
