// Package decoration is the re-engineered decoration process and its
// after-sales flow, built as data on the [workflow] engine: apply online or
// in store → free on-site measurement → design (DIY or an online designer)
// → products chosen offline → crew chosen on the platform → drawings agreed
// → construction booked → construction through its nodes → handover →
// the owner's review online, with cancellation before completion and live
// video of the site as an add-on. It is pure, as the engine is.
//
// [Process] and [AfterSales] build the two flows as [workflow.Definition]
// values, and [ProcessSpec] and [AfterSalesSpec] their Specs; [Option]
// values adapt them ([WithoutDIY], [WithDeadline], [WithWarranty],
// [WithResolutions], [WithVersion], [WithNodes], [WithInstalments],
// [WithCompensation]) without forking. Constants name their events,
// states, facts, parties and intent kinds; the roles are the engine's
// ([workflow.RoleOwner], …).
//
// # Construction nodes and staged payments
//
// From version 2 (the default; [WithVersion](1) builds the flow without
// them, kept for projects started on it) construction runs through nodes
// (节点控制), data given by [WithNodes]: 水电, 木工, 泥瓦, 油漆, 竣工 by
// default ([DefaultNodes]). At each node the construction service
// specialist inspects ([EventInspectNode], the live stream running if it
// was bought) and the owner accepts ([EventAcceptNode]) or rejects with a
// reason ([EventRejectNode]), which sends the node back to rework, its
// deadline open again; [Nodes] counts inspections and rework. The project
// is handed over only after the completion node.
//
// The owner pays the contract price ([FactPayment]) through the platform
// at booking, or in agreed instalments ([WithInstalments]): shares of the
// price due at booking or at given nodes, a node with an instalment due
// waiting for it ([NodeDueState], [EventPayInstalment]) and never
// releasing more than is paid. The platform holds what is paid and
// releases it node by node to the crew, the store and the manufacturer,
// by shares set as data. The money is carried by intents whose
// [workflow.Payout] the engine computes to the fen, so what is held
// ([IntentHold]), released ([IntentRelease]) and refunded on cancellation
// ([IntentRefund]) sums exactly to what was paid; a rejected node releases
// nothing. The root package's ProjectPostings turns such intents into
// settlement postings.
//
// # Facts owned by events and roles
//
// Both flows declare who writes each fact ([workflow.Spec.Facts]): the eco
// certificate is written by the specialist at acceptance, never by the
// owner at application; the stream's id by the specialist who starts it
// ([EventStartStream]); the payment at booking.
//
// # Guards and the five guarantees
//
// The decoration flow guards a floor plan before measurement completes, a
// booking date no earlier than the booking, a handover no later than the
// command recording it, and the five guarantees the process makes the
// owner (几大保障): eco-certified products at acceptance, the
// province-unified price (全省一个价) on the order, the order placed
// through the platform, live video streaming during construction when it
// was bought (handover is refused while a bought stream never ran), and
// after-sales within the warranty. [Guarantees] reports all five on a
// project as facts.
//
// After-sales claims are opened from the handed-over project
// ([OpenClaim]): the handover instant and the accepted nodes come from it,
// never copied by hand, and a claim before the handover is refused.
// [GuaranteesFor] judges free maintenance by the same warranty as the
// claims. Compensation (赔付) is an amount, positive, in the project's
// currency and within a ceiling per kind of broken promise
// ([WithCompensation]); its intent carries it, to be paid by the party at
// fault.
package decoration
