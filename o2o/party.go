package o2o

import "fmt"

// Party is someone money or work moves between: headquarters, a station, a
// store, an agent, a dealer, an investor, the platform or a customer.
type Party struct {
	// ID is the caller's stable identifier, unique among parties.
	ID string `json:"id" validate:"required"`
	// Kind is what the party is.
	Kind PartyKind `json:"kind" validate:"required"`
	// Name is for people; it carries no rule.
	Name string `json:"name,omitempty"`
	// Region is where the party sits (a store's township, a station's city).
	// Optional.
	Region RegionCode `json:"region,omitzero"`
	// StoreID is, for an agent only, the id of the store the agent is
	// attached to (an agent is "on line, not on the roll" of a store).
	StoreID string `json:"storeId,omitempty"`
}

// Validate checks the party: id and a known kind are required, an agent
// names its store, and no other kind does. Errors are *ValidationError.
func (p Party) Validate() error {
	if err := Validate(p); err != nil {
		return err
	}
	if !p.Kind.Valid() {
		return Invalidf("kind", "unknown party kind %q", string(p.Kind))
	}
	switch {
	case p.Kind == PartyAgent && p.StoreID == "":
		return Invalid("storeId", "is required for an agent: agents are attached to a store")
	case p.Kind != PartyAgent && p.StoreID != "":
		return Invalidf("storeId", "only an agent is attached to a store, not a %s", p.Kind)
	}
	return nil
}

// String returns "kind:id", as "store:SZ-01".
func (p Party) String() string { return fmt.Sprintf("%s:%s", p.Kind, p.ID) }
