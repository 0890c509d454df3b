package decoration

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

// Node is a construction node (节点) of the decoration flow from version 2:
// the crew works on it, the construction service specialist inspects it and
// the owner accepts it, or rejects it with a reason and sends it back to
// rework. Accepting it releases its share of the owner's payment.
type Node struct {
	// Name is the node's name, such as "plumbing"; it names its states
	// (NodeState, NodeInspectedState) and its stage of the payment.
	Name string `json:"name"`
	// Title is a human title, such as "水电 (plumbing and electrics)".
	Title string `json:"title"`
	// Within is the time allowed to finish the node, or its rework, and
	// have it inspected, from entering it; zero for none.
	Within o2o.Duration `json:"within"`
	// Weight is the node's share of the payment, by weight among the nodes.
	Weight decimal.Decimal `json:"weight"`
	// Release splits the node's share among the parties paid when it is
	// accepted (the crew, the store, the manufacturer), by weight.
	Release []o2o.Share `json:"release"`
}

// The default construction nodes, in order.
const (
	// NodePlumbing is plumbing and electrics (水电).
	NodePlumbing = "plumbing"
	// NodeCarpentry is carpentry (木工).
	NodeCarpentry = "carpentry"
	// NodeTiling is tiling (泥瓦).
	NodeTiling = "tiling"
	// NodePainting is painting (油漆).
	NodePainting = "painting"
	// NodeCompletion is completion (竣工), after which the project is handed over.
	NodeCompletion = "completion"
)

// The parties a release pays, as keys of Node.Release and of the intents'
// Amounts.
const (
	PartyCrew         = "crew"
	PartyStore        = "store"
	PartyManufacturer = "manufacturer"
	PartyOwner        = "owner"
	PartyPlatform     = "platform"
)

// Decoration events from version 2, for node control and payment.
const (
	// EventInspectNode is the specialist inspecting the current node.
	EventInspectNode = "inspect_node"
	// EventAcceptNode is the owner accepting the inspected node, which
	// releases its share of the payment.
	EventAcceptNode = "accept_node"
	// EventRejectNode is the owner rejecting the inspected node with a
	// reason (FactRejection): it goes back to rework and releases nothing.
	EventRejectNode = "reject_node"
)

// Facts of node control and payment, from version 2.
const (
	// FactPayment is the contract price, such as "80000.00 CNY", recorded
	// at booking: the owner pays it through the platform at booking, or in
	// the agreed instalments (WithInstalments); the platform holds what is
	// paid and releases it node by node.
	FactPayment = "payment"
	// FactNodeReport is the specialist's inspection report of a node.
	FactNodeReport = "node_report"
	// FactRejection is the owner's reason for rejecting a node.
	FactRejection = "rejection"
)

// StateCompleted is the decoration state after the completion node is
// accepted, from version 2: the project may be handed over.
const StateCompleted = "completed"

// Intent kinds of the payment, from version 2.
const (
	// IntentHold asks the platform to hold the owner's payment, or one
	// instalment of it.
	IntentHold = "hold"
	// IntentRelease pays a node's share to the parties of its Release.
	IntentRelease = "release"
	// IntentRefund pays back to the owner what is still held.
	IntentRefund = "refund"
)

// NodeState is the state of working on node.
func NodeState(node string) string { return "node_" + node }

// NodeInspectedState is the state of node inspected, awaiting the owner.
func NodeInspectedState(node string) string { return "node_" + node + "_inspected" }

// DefaultNodes returns the five default nodes: 水电, 木工, 泥瓦, 油漆, 竣工.
// Their figures are example defaults, not rules: the process this SDK
// models names node control but gives no figures, so the manufacturer sets
// its own with WithNodes. What each figure stands for:
//   - Weight, 20, 20, 25, 20, 15: the node's share of the contract price,
//     released when the owner accepts it, roughly its share of the work
//     and materials, with completion holding back the last 15 until the
//     owner accepts the finished site;
//   - Release, 70 to the crew, 20 to the manufacturer, 10 to the store:
//     how a node's share is split between the labour, the products and
//     the store's service;
//   - Within, 10, 15, 15, 10 and 7 days: the time allowed to finish each
//     node, rework included, and have it inspected.
func DefaultNodes() []Node {
	// The crew's labour, the manufacturer's products, the store's service.
	release := func() []o2o.Share {
		return []o2o.Share{{Key: PartyCrew, Weight: decimal.NewFromInt(70)}, {Key: PartyManufacturer, Weight: decimal.NewFromInt(20)},
			{Key: PartyStore, Weight: decimal.NewFromInt(10)}}
	}
	n := func(name, title string, days, weight int64) Node {
		return Node{Name: name, Title: title, Within: workflow.Days(int(days)), Weight: decimal.NewFromInt(weight), Release: release()}
	}
	return []Node{ // name, title, days allowed, share of the price
		n(NodePlumbing, "水电 (plumbing and electrics)", 10, 20),
		n(NodeCarpentry, "木工 (carpentry)", 15, 20),
		n(NodeTiling, "泥瓦 (tiling)", 15, 25),
		n(NodePainting, "油漆 (painting)", 10, 20),
		n(NodeCompletion, "竣工 (completion)", 7, 15),
	}
}

// WithNodes sets the construction nodes of the decoration flow from
// version 2, in order; at least one, with unique names.
func WithNodes(nodes ...Node) Option {
	return func(o *options) {
		o.nodes = append([]Node{}, nodes...)
		for i := range o.nodes {
			o.nodes[i].Release = slices.Clone(o.nodes[i].Release)
		}
	}
}

// checkNodes refuses an empty node list and names given twice or empty.
func checkNodes(nodes []Node) error {
	if len(nodes) == 0 {
		return o2o.Invalid("nodes", "at least one construction node is required")
	}
	seen := map[string]bool{}
	for i, n := range nodes {
		switch {
		case n.Name == "":
			return o2o.Invalid(fmt.Sprintf("nodes[%d].name", i), "is required")
		case seen[n.Name]:
			return o2o.Invalid(fmt.Sprintf("nodes[%d].name", i), fmt.Sprintf("node %q given twice", n.Name))
		}
		seen[n.Name] = true
	}
	return nil
}

// nodeNames lists the names of nodes[from:].
func nodeNames(nodes []Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return out
}

// addNodes replaces the version 1 construction (one under_construction
// state) by node control: start_construction enters the first node; each
// node is inspected by the specialist (the live stream running, if
// bought), then accepted by the owner (releasing its share of the payment,
// moving to the next node or, after the last, to completed) or rejected
// with a reason (back to rework, releasing nothing). A node with an
// instalment due at it waits for it first (NodeDueState). Cancellation is
// allowed until completion and refunds to the owner what is still held;
// the owner's instalments are held by the platform as they are paid.
func addNodes(s *workflow.Spec, o options) {
	nodes := o.nodes
	sched, err := checkInstalments(o.instalments, nodes)
	if err != nil { // Decoration refuses the schedule; the Spec shows the default
		sched, _ = checkInstalments([]Instalment{{Name: "booking", Weight: decimal.NewFromInt(1)}}, nodes)
	}
	segs := sched.segments(nodes)
	all := make([]o2o.Share, len(segs))
	for i, sg := range segs {
		all[i] = sg.share
	}
	payout := func(keep func(segment) bool, to []o2o.Share) *workflow.Payout {
		if t := take(segs, keep); len(t) > 0 {
			return &workflow.Payout{Fact: FactPayment, Stages: all, Take: t, To: to}
		}
		return nil
	}
	platform := []o2o.Share{{Key: PartyPlatform, Weight: decimal.NewFromInt(1)}}
	owner := []o2o.Share{{Key: PartyOwner, Weight: decimal.NewFromInt(1)}}
	// hold is the intent holding instalment j, if it is due with due and
	// moves money.
	hold := func(due int) []workflow.Intent {
		j := slices.Index(sched.due, due)
		if j < 0 {
			return nil
		}
		p := payout(func(sg segment) bool { return sg.inst == j }, platform)
		if p == nil {
			return nil
		}
		what := "payment"
		if len(sched.inst) > 1 {
			what = "instalment " + sched.inst[j].Name
		}
		return []workflow.Intent{{Kind: IntentHold, Role: workflow.RolePlatform, Note: "hold the owner's " + what + " until the nodes are accepted", Payout: p}}
	}
	// held is what is held once the instalments due up to paid are paid
	// and the nodes before released are accepted.
	held := func(paid, released int) func(segment) bool {
		return func(sg segment) bool { return sched.due[sg.inst] <= paid && sg.node >= released }
	}
	// enter is the state a step reaching node i leads to.
	enter := func(i int) string {
		if slices.Contains(sched.due, i) {
			return NodeDueState(nodes[i].Name)
		}
		return NodeState(nodes[i].Name)
	}
	var construction []string
	for i, n := range nodes {
		if slices.Contains(sched.due, i) {
			construction = append(construction, NodeDueState(n.Name))
		}
		construction = append(construction, NodeState(n.Name), NodeInspectedState(n.Name))
	}
	// States: the nodes take the place of under_construction.
	var states []workflow.StateSpec
	for _, st := range s.States {
		if st.Name != StateUnderConstruction {
			states = append(states, st)
			continue
		}
		for i, n := range nodes {
			var dl *workflow.DeadlineSpec
			if n.Within > 0 {
				dl = &workflow.DeadlineSpec{Within: n.Within, For: "node " + n.Name + " finished and inspected, rework included, within " + n.Within.String(),
					Escalate: &workflow.Intent{Kind: "escalate", Role: workflow.RoleSpecialist, Note: "node " + n.Name + " overdue; follow up with the crew"}}
			}
			if j := slices.Index(sched.due, i); j >= 0 {
				states = append(states, workflow.StateSpec{Name: NodeDueState(n.Name), Title: "Node " + n.Title + ", awaiting the instalment " + sched.inst[j].Name,
					Deadline: &workflow.DeadlineSpec{Within: workflow.Hours(72), For: "the owner pays the instalment " + sched.inst[j].Name + " within 72h of reaching node " + n.Name,
						Escalate: &workflow.Intent{Kind: "escalate", Role: workflow.RolePlatform, Note: "instalment " + sched.inst[j].Name + " unpaid; remind the owner"}}})
			}
			states = append(states,
				workflow.StateSpec{Name: NodeState(n.Name), Title: "Node " + n.Title + ", under construction", Deadline: dl},
				workflow.StateSpec{Name: NodeInspectedState(n.Name), Title: "Node " + n.Title + ", inspected, awaiting the owner",
					Deadline: &workflow.DeadlineSpec{Within: workflow.Hours(72), For: "the owner accepts or rejects node " + n.Name + " within 72h of its inspection",
						Escalate: &workflow.Intent{Kind: "escalate", Role: workflow.RolePlatform, Note: "node " + n.Name + " awaits the owner's acceptance"}}})
		}
		states = append(states, workflow.StateSpec{Name: StateCompleted, Title: "Completed (竣工), ready to hand over"})
	}
	s.States = states
	s.Guards = append(s.Guards,
		workflow.GuardSpec{Name: "payment", Kind: workflow.GuardMoney, Fact: FactPayment, Currency: o.compensation.Currency,
			Description: "the contract price the owner pays through the platform, at booking or in the agreed instalments"},
		workflow.GuardSpec{Name: "node_report", Kind: workflow.GuardPresent, Fact: FactNodeReport, Description: "the specialist's inspection of the node"},
		workflow.GuardSpec{Name: "rejection", Kind: workflow.GuardPresent, Fact: FactRejection, Description: "the owner's reason to reject the node"},
	)
	var events []workflow.EventSpec
	for _, e := range s.Events {
		switch e.Name {
		case EventBook:
			e.Guards = append(slices.Clone(e.Guards), "payment")
			e.Intents = append(slices.Clone(e.Intents), hold(-1)...)
		case EventStartConstruction:
			e.To = enter(0)
		case EventHandOver:
			e.From = []string{StateCompleted}
		case EventCancel:
			// Before booking nothing is held; from booking on, what is
			// still held goes back to the owner.
			var before []string
			for _, from := range e.From {
				if from != StateBooked {
					before = append(before, from)
				}
			}
			e.From = before
			events = append(events, e)
			refund := func(from string, paid, released int) workflow.EventSpec {
				c := e
				c.From, c.Intents = []string{from}, nil
				if p := payout(held(paid, released), owner); p != nil {
					c.Intents = []workflow.Intent{{Kind: IntentRefund, Role: workflow.RolePlatform, Note: "refund to the owner what is still held", Payout: p}}
				}
				return c
			}
			events = append(events, refund(StateBooked, -1, 0))
			for i, n := range nodes {
				if slices.Contains(sched.due, i) {
					events = append(events, refund(NodeDueState(n.Name), i-1, i))
				}
				events = append(events, refund(NodeState(n.Name), i, i), refund(NodeInspectedState(n.Name), i, i))
			}
			continue
		case EventBuyLiveVideo, EventStartStream:
			if e.From[0] == StateUnderConstruction {
				for _, st := range construction {
					c := e
					c.From, c.To = []string{st}, st
					events = append(events, c)
				}
				continue
			}
		}
		events = append(events, e)
	}
	for i, n := range nodes {
		next := StateCompleted
		if i+1 < len(nodes) {
			next = enter(i + 1)
		}
		if slices.Contains(sched.due, i) {
			events = append(events, workflow.EventSpec{Name: EventPayInstalment, From: []string{NodeDueState(n.Name)}, To: NodeState(n.Name),
				Roles: []workflow.Role{workflow.RoleOwner, workflow.RolePlatform}, Intents: hold(i)})
		}
		release := payout(func(sg segment) bool { return sg.node == i }, n.Release)
		events = append(events,
			workflow.EventSpec{Name: EventInspectNode, From: []string{NodeState(n.Name)}, To: NodeInspectedState(n.Name), Roles: []workflow.Role{workflow.RoleSpecialist},
				Guards:  []string{"node_report", "live_video"},
				Intents: []workflow.Intent{{Kind: "notify", Role: workflow.RoleOwner, Note: "node " + n.Name + " inspected; accept it or reject it with a reason"}}},
			workflow.EventSpec{Name: EventAcceptNode, From: []string{NodeInspectedState(n.Name)}, To: next, Roles: []workflow.Role{workflow.RoleOwner},
				Intents: []workflow.Intent{{Kind: IntentRelease, Role: workflow.RolePlatform, Note: "release the share of node " + n.Name, Payout: release}}},
			workflow.EventSpec{Name: EventRejectNode, From: []string{NodeInspectedState(n.Name)}, To: NodeState(n.Name), Roles: []workflow.Role{workflow.RoleOwner},
				Guards:  []string{"rejection"},
				Intents: []workflow.Intent{{Kind: "rework", Role: workflow.RoleSpecialist, Note: "node " + n.Name + " rejected by the owner; rework it"}}},
		)
	}
	s.Events = events
	s.Facts = append(s.Facts,
		workflow.FactSpec{Name: FactPayment, Events: []string{EventBook}, Description: "the contract price, paid at booking or in the agreed instalments and held by the platform"},
		workflow.FactSpec{Name: FactNodeReport, Events: []string{EventInspectNode}, Roles: []workflow.Role{workflow.RoleSpecialist}},
		workflow.FactSpec{Name: FactRejection, Events: []string{EventRejectNode}, Roles: []workflow.Role{workflow.RoleOwner}},
	)
}

// NodeStatus is how far one node of a project on version 2 has come.
type NodeStatus struct {
	// Node is the node's name.
	Node string `json:"node"`
	// Inspections counts the specialist's inspections of it.
	Inspections int `json:"inspections"`
	// Rework counts the owner's rejections of it, each sending it back.
	Rework int `json:"rework"`
	// Accepted reports the owner accepted it.
	Accepted bool `json:"accepted"`
}

// Nodes reports, from its history, how far each construction node of a
// project has come, in the order of nodes (the definition's own nodes, as
// passed to WithNodes, or DefaultNodes). It reads only the steps fired on
// the current definition or before; a node the history never reached is
// zero.
func Nodes(in *workflow.Instance, nodes []Node) []NodeStatus {
	out := make([]NodeStatus, len(nodes))
	idx := make(map[string]int, 2*len(nodes))
	for i, n := range nodes {
		out[i].Node = n.Name
		idx[NodeState(n.Name)] = i
		idx[NodeInspectedState(n.Name)] = i
	}
	for _, e := range in.History() {
		i, ok := idx[e.From]
		if !ok {
			continue
		}
		switch e.Event {
		case EventInspectNode:
			out[i].Inspections++
		case EventRejectNode:
			out[i].Rework++
		case EventAcceptNode:
			out[i].Accepted = true
		}
	}
	return out
}
