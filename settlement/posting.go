package settlement

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// MaxPostingUnits bounds one posting's amount, in minor units (10^15 fen is
// ten trillion yuan), so that no sum of postings loses a cent unnoticed.
const MaxPostingUnits = 1_000_000_000_000_000

// maxKeyLen bounds the length of idempotency keys, party ids and references.
const maxKeyLen = 256

// Posting moves an amount of one currency from one party's account to
// another's. Every posting balances by construction: what From gives, To
// receives. A Posting is a plain value; the ledger copies it.
//
// Two postings have the same content when every field is equal, amounts
// compared by value (1.5 equals 1.50) and instants by Equal (the location is
// not content).
type Posting struct {
	// Key is the idempotency key: posting the same key twice changes nothing.
	Key string `json:"key"`
	// Kind says what the posting is for.
	Kind Kind `json:"kind"`
	// From is the account the amount leaves (its balance goes down).
	From string `json:"from"`
	// To is the account the amount reaches (its balance goes up).
	To string `json:"to"`
	// Amount is positive and a whole number of minor units.
	Amount o2o.Money `json:"amount"`
	// Order is the order or reference id the posting belongs to. Optional.
	Order string `json:"order,omitempty"`
	// Ref is, for a reversal only, the key of the posting it reverses.
	Ref string `json:"ref,omitempty"`
	// At is the posting's business instant; statements are cut by it.
	At time.Time `json:"at"`
}

// String returns a one-line summary: "k1 sale_revenue cust-1→hq 100.00 CNY".
func (p Posting) String() string {
	return fmt.Sprintf("%s %s %s→%s %s", p.Key, p.Kind, p.From, p.To, p.Amount)
}

// SameContent reports whether p and o are the same posting in content.
func (p Posting) SameContent(o Posting) bool {
	return p.Key == o.Key && p.Kind == o.Kind && p.From == o.From && p.To == o.To &&
		p.Amount.Equal(o.Amount) && p.Order == o.Order && p.Ref == o.Ref && p.At.Equal(o.At)
}

// Validate checks the posting on its own: key, kind, distinct parties, a
// positive whole amount within MaxPostingUnits, an instant, and a reference
// exactly when it is a reversal. Errors are *o2o.ValidationError.
func (p Posting) Validate() error {
	_, err := p.units(p.Amount.Currency())
	return err
}

// units validates p for a ledger in currency and returns its amount in
// minor units.
func (p Posting) units(currency o2o.Currency) (int64, error) {
	if err := p.check(); err != nil {
		return 0, err
	}
	if p.Amount.Currency() != currency {
		return 0, fmt.Errorf("amount: %w: posting in %s, ledger in %s", o2o.ErrCurrencyMismatch, p.Amount.Currency(), currency)
	}
	u, err := toUnits(p.Amount)
	if err != nil {
		return 0, o2o.Prefix("amount", err)
	}
	if u <= 0 {
		return 0, o2o.Invalidf("amount", "must be positive, got %s", p.Amount)
	}
	return u, nil
}

// check validates everything but the amount. It builds no message unless
// something is wrong: it sits on the ledger's hot path.
func (p Posting) check() error {
	switch {
	case p.Key == "":
		return o2o.Invalid("key", "is required")
	case len(p.Key) > maxKeyLen:
		return o2o.Invalidf("key", "must be at most %d bytes", maxKeyLen)
	case !p.Kind.Valid():
		return o2o.Invalidf("kind", "unknown posting kind %q", string(p.Kind))
	case p.From == "":
		return o2o.Invalid("from", "is required")
	case p.To == "":
		return o2o.Invalid("to", "is required")
	case len(p.From) > maxKeyLen:
		return o2o.Invalidf("from", "must be at most %d bytes", maxKeyLen)
	case len(p.To) > maxKeyLen:
		return o2o.Invalidf("to", "must be at most %d bytes", maxKeyLen)
	case p.From == p.To:
		return o2o.Invalidf("to", "must differ from from (%q): a posting moves money between two accounts", p.From)
	case len(p.Order) > maxKeyLen:
		return o2o.Invalidf("order", "must be at most %d bytes", maxKeyLen)
	case len(p.Ref) > maxKeyLen:
		return o2o.Invalidf("ref", "must be at most %d bytes", maxKeyLen)
	case p.Kind == KindReversal && p.Ref == "":
		return o2o.Invalid("ref", "is required for a reversal: a reversal refers to the posting it reverses")
	case p.Kind != KindReversal && p.Ref != "":
		return o2o.Invalid("ref", "only a reversal refers to another posting")
	case p.At.IsZero():
		return o2o.Invalid("at", "is required: postings carry their business instant")
	}
	if err := instant.Check(p.At); err != nil {
		return o2o.Prefix("at", err)
	}
	return nil
}

// toUnits returns m in minor units; m must be whole and within MaxPostingUnits.
func toUnits(m o2o.Money) (int64, error) {
	if u, ok := m.MinorUnits(); ok && u >= -MaxPostingUnits && u <= MaxPostingUnits {
		return u, nil // the fast path: no allocation
	}
	if !m.IsWhole() {
		return 0, o2o.Invalidf("", "%s is not a whole number of minor units", m)
	}
	d := m.Amount().Shift(m.Currency().MinorDigits())
	if d.Abs().Cmp(decimal.New(MaxPostingUnits, 0)) > 0 {
		return 0, &o2o.ValidationError{Fields: []o2o.FieldError{{Reason: fmt.Sprintf("%s is beyond %d minor units", m, int64(MaxPostingUnits))}}, Err: ErrOverflow}
	}
	return d.IntPart(), nil
}

// fromUnits returns units minor units of currency as Money.
func fromUnits(units int64, currency o2o.Currency) o2o.Money {
	m, _ := o2o.FromMinor(units, currency) // currency is a ledger's: known
	return m
}

// Hash is a SHA-256 digest. It marshals as lower-case hex.
type Hash [32]byte

// String returns the digest in lower-case hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zeros (no postings).
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText returns the digest in lower-case hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads 64 hex digits.
func (h *Hash) UnmarshalText(text []byte) error {
	if len(text) != 2*len(h) {
		return o2o.Invalidf("", "hash must be %d hex digits, got %d", 2*len(h), len(text))
	}
	var v Hash
	if _, err := hex.Decode(v[:], text); err != nil {
		return o2o.Invalidf("", "hash is not hex: %q", text)
	}
	*h = v
	return nil
}

// appendCanonical appends the canonical encoding of p, whose amount is units
// minor units: each text field length-prefixed, the amount as a signed
// 64-bit integer with its currency, the instant as Unix seconds and
// nanoseconds. Equal content gives equal bytes.
func appendCanonical(b []byte, p *Posting, units int64) []byte {
	for _, s := range [...]string{p.Key, string(p.Kind), p.From, p.To, p.Amount.Currency().String(), p.Order, p.Ref} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(units))
	b = binary.BigEndian.AppendUint64(b, uint64(p.At.Unix()))
	b = binary.BigEndian.AppendUint32(b, uint32(p.At.Nanosecond()))
	return b
}

// LeafHash returns the SHA-256 of the posting's canonical encoding, the
// value both the hash chain and the digest are built from. The posting must
// be valid (see Validate).
func LeafHash(p Posting) (Hash, error) {
	u, err := p.units(p.Amount.Currency())
	if err != nil {
		return Hash{}, err
	}
	return sha256.Sum256(appendCanonical(nil, &p, u)), nil
}

// chainNext returns SHA-256(prev ‖ leaf).
func chainNext(prev, leaf Hash) Hash {
	var buf [64]byte
	copy(buf[:32], prev[:])
	copy(buf[32:], leaf[:])
	return sha256.Sum256(buf[:])
}

// ChainHead returns the head of the hash chain over postings in order:
// head₀ is all zeros and headᵢ = SHA-256(headᵢ₋₁ ‖ LeafHash(postingᵢ)).
// Comparing it with Ledger.Head proves that a log was not altered, dropped
// from, reordered or added to.
func ChainHead(postings []Posting) (Hash, error) {
	var head Hash
	for i, p := range postings {
		leaf, err := LeafHash(p)
		if err != nil {
			return Hash{}, o2o.Prefix(fmt.Sprintf("postings[%d]", i), err)
		}
		head = chainNext(head, leaf)
	}
	return head, nil
}

// digest is an order-independent digest: the sum of leaf hashes modulo
// 2^256, as four little-endian 64-bit limbs. Equal sets of postings give
// equal digests whatever the order or grouping they were added in.
type digest [4]uint64

func (d *digest) add(h Hash) {
	var carry uint64
	for i := range d {
		limb := binary.LittleEndian.Uint64(h[8*i:])
		s := d[i] + limb
		c1 := s < limb
		s2 := s + carry
		c2 := s2 < s
		d[i] = s2
		carry = 0
		if c1 || c2 {
			carry = 1
		}
	}
}

func (d *digest) addDigest(o digest) {
	var h Hash
	for i := range o {
		binary.LittleEndian.PutUint64(h[8*i:], o[i])
	}
	d.add(h)
}

func (d digest) hash() Hash {
	var h Hash
	for i := range d {
		binary.LittleEndian.PutUint64(h[8*i:], d[i])
	}
	return h
}

// Batch is a set of postings applied all or nothing.
type Batch struct {
	// ID names the batch (a split's order id, a refund id). Optional.
	ID string `json:"id,omitempty"`
	// Postings are applied in order; at least one.
	Postings []Posting `json:"postings"`
}

// Total returns the sum of the batch's amounts (0 CNY for none).
func (b Batch) Total() (o2o.Money, error) {
	amounts := make([]o2o.Money, len(b.Postings))
	for i, p := range b.Postings {
		amounts[i] = p.Amount
	}
	return o2o.Sum(amounts...)
}

// Result is the outcome of one posting of a batch.
type Result struct {
	// Key is the posting's idempotency key.
	Key string `json:"key"`
	// Status is created, exists or conflict.
	Status Status `json:"status"`
}

// Applied is what Apply did with a batch: one result per posting in batch
// order, and the counts.
type Applied struct {
	Results []Result `json:"results"`
	// Created counts the postings added to the ledger.
	Created int `json:"created"`
	// Exists counts the postings skipped because their key already named the
	// same content.
	Exists int `json:"exists"`
}

func sha256Sum(b []byte) Hash { return sha256.Sum256(b) }

// amountText returns m.AmountString(), formatted from its minor units —
// no decimal formatting — when m is a whole number of minor units within
// int64 (every amount the ledger, a split or a repayment handles).
func amountText(m o2o.Money) string {
	digits := m.Currency().MinorDigits()
	if -m.Amount().Exponent() > digits {
		return m.AmountString()
	}
	u, ok := m.MinorUnits()
	if !ok {
		return m.AmountString()
	}
	return unitsText(u, digits)
}

// unitsText formats units minor units with digits decimals: "-0.05".
func unitsText(units int64, digits int32) string {
	var buf [32]byte
	b := strconv.AppendInt(buf[:0], units, 10)
	neg := units < 0
	if neg {
		b = b[1:] // the magnitude; the sign goes back in front below
	}
	if digits == 0 {
		if neg {
			return "-" + string(b)
		}
		return string(b)
	}
	var out [40]byte
	o := out[:0]
	if neg {
		o = append(o, '-')
	}
	d := int(digits)
	if len(b) <= d {
		o = append(o, '0', '.')
		for range d - len(b) {
			o = append(o, '0')
		}
		return string(append(o, b...))
	}
	o = append(o, b[:len(b)-d]...)
	o = append(o, '.')
	return string(append(o, b[len(b)-d:]...))
}
