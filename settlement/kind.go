package settlement

import (
	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// Kind says what a posting is for.
type Kind string

// The posting kinds.
const (
	// KindSaleRevenue is the manufacturer's revenue from a sale.
	KindSaleRevenue Kind = "sale_revenue"
	// KindStoreCommission is the serving store's commission.
	KindStoreCommission Kind = "store_commission"
	// KindAgentCommission is the serving agent's commission (特许代理人).
	KindAgentCommission Kind = "agent_commission"
	// KindTransferPayment credits the offline store of the customer's region
	// with part of an online sale (转移支付, 线上反哺线下).
	KindTransferPayment Kind = "transfer_payment"
	// KindCrossCompensation pays a fused dealer for a sale into its territory
	// (交叉补偿).
	KindCrossCompensation Kind = "cross_compensation"
	// KindDrainageCharge charges a traffic cost (引流成本) to a channel or store.
	KindDrainageCharge Kind = "drainage_charge"
	// KindInvestment is an investor's capital paid into a store (资金自循环).
	KindInvestment Kind = "investment"
	// KindAdvance is money the manufacturer advances (垫付).
	KindAdvance Kind = "advance"
	// KindRepayment repays an advance or an investor's capital.
	KindRepayment Kind = "repayment"
	// KindReversal reverses (part of) an earlier posting it refers to.
	KindReversal Kind = "reversal"
	// KindRounding carries a rounding difference.
	KindRounding Kind = "rounding"
	// KindBudget pays out an approved station budget.
	KindBudget Kind = "budget"
	// KindCampaignFunding is a promotion campaign paying, from its funding,
	// for products it gives a customer free (免单): it credits the revenue
	// the free products replace.
	KindCampaignFunding Kind = "campaign_funding"
	// KindCampaignPayback is cash a promotion campaign pays back to a
	// customer from its funding.
	KindCampaignPayback Kind = "campaign_payback"
	// KindHeld is a customer's payment taken into the platform's holding
	// account (a decoration project's staged payment, held until its nodes
	// are accepted).
	KindHeld Kind = "held"
	// KindReleased pays out of the holding account a stage accepted (a
	// construction node's share, to the crew, the store, the manufacturer).
	KindReleased Kind = "released"
	// KindRefunded pays back out of the holding account what is still held
	// (a project cancelled), to the customer.
	KindRefunded Kind = "refunded"
	// KindCompensation pays compensation (赔付) for a broken promise, from
	// the party at fault to the customer.
	KindCompensation Kind = "compensation"
)

// Kinds returns every posting kind in a fixed order.
func Kinds() []Kind {
	return []Kind{KindSaleRevenue, KindStoreCommission, KindAgentCommission, KindTransferPayment,
		KindCrossCompensation, KindDrainageCharge, KindInvestment, KindAdvance, KindRepayment,
		KindReversal, KindRounding, KindBudget, KindCampaignFunding, KindCampaignPayback,
		KindHeld, KindReleased, KindRefunded, KindCompensation}
}

// String returns the kind's text form.
func (k Kind) String() string { return string(k) }

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return enum.Valid(k, Kinds()...) }

// MarshalText returns the text form; it refuses an invalid kind.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, &o2o.EnumError{Enum: "posting kind", Value: string(k)}
	}
	return []byte(k), nil
}

// UnmarshalText accepts exactly one of the kinds' text forms.
func (k *Kind) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, Kinds()...)
	if !ok {
		return &o2o.EnumError{Enum: "posting kind", Value: string(text)}
	}
	*k = v
	return nil
}

// Status is the outcome of one posting of a batch.
type Status string

// The posting outcomes (TigerBeetle's create-transfer results, reduced).
const (
	// StatusCreated: the posting was new and is now in the ledger.
	StatusCreated Status = "created"
	// StatusExists: the key already names this same posting; nothing changed.
	StatusExists Status = "exists"
	// StatusConflict: the key already names a different posting; the whole
	// batch is refused.
	StatusConflict Status = "conflict"
)

// Statuses returns every status in a fixed order.
func Statuses() []Status { return []Status{StatusCreated, StatusExists, StatusConflict} }

// String returns the status's text form.
func (s Status) String() string { return string(s) }

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return enum.Valid(s, Statuses()...) }

// MarshalText returns the text form; it refuses an invalid status.
func (s Status) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, &o2o.EnumError{Enum: "posting status", Value: string(s)}
	}
	return []byte(s), nil
}

// UnmarshalText accepts exactly "created", "exists" or "conflict".
func (s *Status) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, Statuses()...)
	if !ok {
		return &o2o.EnumError{Enum: "posting status", Value: string(text)}
	}
	*s = v
	return nil
}
