// Package workflow is the engine the SDK's processes run on: flows
// described as data, run as state machines on looplab/fsm, with roles,
// guards, deadlines, money carried by intents, snapshots and an
// append-only history. It is pure: callers pass every instant in and carry
// out the intents it hands back. The re-engineered decoration process and
// its after-sales flow are built on it, in package
// [github.com/o2okit/o2okit/workflow/decoration].
//
// # Definitions
//
// A [Spec] describes a flow as data: states, events (sources, destination,
// roles, guards, facts recorded, intents) and deadlines. [Build] validates it
// once — unknown names, duplicate (state, event) pairs, unreachable states,
// a missing initial or terminal state, dead ends — into an immutable
// [Definition], safe for concurrent use. A Spec round-trips through JSON,
// so flows can be stored as data ([ParseSpec]).
//
// [Definition.Can] answers from the definition's own table;
// [Definition.Available] returns a fresh slice sorted by name.
//
// # Instances and commands
//
// An [Instance] holds a state, recorded [Facts], deadlines as absolute due
// times, and its history. [Instance.Fire] applies a [Command] (event, actor,
// role, instant, facts, and an id the caller chooses): the same id again is
// reported as AlreadyApplied and not applied twice; the same id with other
// content is refused with [ErrConflict]. A role not allowed gets a
// [*ForbiddenError]; a failed guard a [*GuardError] naming the guard and the
// condition; an event the state does not allow a [*TransitionError]. Every
// refusal leaves the instance byte-for-byte unchanged. A command's facts
// are a [Facts] map the caller writes as a literal. A successful command
// returns a [Result] with the new state and the [Intent] values ("notify
// the store", "schedule the crew") for the caller to carry out, each with a
// stable Key (the command's id and the intent's index): a repeated command
// hands back the same intents with the same keys, so a caller can carry
// them out at least once (an outbox, a durable activity) and deduplicate.
//
// Every instant a command brings, and every due time it sets, lies within
// years 0 to 9999, the years a snapshot can encode: one beyond is refused
// when it comes in, never accepted and then impossible to store.
//
// # Limits
//
// A command brings at most [MaxFacts] facts, and an instance records at
// most MaxFacts distinct facts: Fire refuses a command beyond either, and
// Restore a snapshot beyond either, with an error wrapping [o2o.ErrInvalid]
// that names "facts". Instants and due times lie within years 0 to 9999
// (see above). Building a definition, firing, snapshotting and restoring
// cost time linear in the size of their input, but for sorting names.
//
// # Money carried by intents
//
// An [Intent] whose [Payout] names a fact holding an amount gets its
// Amounts computed by Fire, split to the fen with [o2o.Allocate] into
// stages and recipients: as every stage is computed from the same total
// and weights, what several intents move (held, released, refunded) sums
// exactly to the total. The decoration process pays its nodes this way.
//
// # Facts owned by events and roles
//
// A Spec may declare, in [Spec.Facts], which events may write each fact
// and by which roles ([FactSpec]). A command bringing a fact its event or
// role does not own is then refused with a [*ForbiddenError] naming the
// Fact, and Build refuses a guard reading a fact no event writes.
// [TimeFact], [MoneyFact] and [BoolFact] write typed facts, and
// [Facts.Time], [Facts.Money] and [Facts.Bool] read them back.
//
// # Guards
//
// Guards are pure predicates over the facts ([GuardSpec]: present, one_of,
// an RFC 3339 time, within a period, not before or not after the
// command's own instant, an amount of money), optionally conditional on
// another fact.
//
// A rule the data guards cannot say is written in Go: a [GuardFunc]
// registered by name in [Spec.Funcs] (a code-only hook, tagged json:"-")
// and named by a guard of kind [GuardCustom]. It sees the command and the
// facts as they would be through a [GuardInput]; the error it returns
// becomes the Err of the [*GuardError], so errors.Is reaches it. A spec
// loaded from JSON gets its functions set in code before [Build].
//
// # Deadlines
//
// A state may carry a deadline: measurement within 48h of applying, drawings
// within 7 days of choosing a crew, construction start within 72h of the
// booked date. Due times are computed when the state is entered and stored
// on the instance, so a restore never resets them; [Instance.Overdue] judges
// them against an instant the caller passes. Restore recomputes every due
// time from the history and refuses a snapshot whose stored ones differ.
//
// A deadline may name its escalation ([DeadlineSpec.Escalate]): the intent
// a host sends once it has passed with the state still open, who is told
// and what is asked (the decoration flow tells headquarters when the
// measurement is overdue). [Instance.NextDue] gives the open due time to
// wait on; [Instance.Escalations] the escalations due at an instant, each
// with a stable key ("deadline/0/escalate") that never equals a key Fire
// hands out. Diagrams note each deadline and its escalation.
//
// # Durable hosts
//
// A host that keeps instances alive for months (a durable-execution
// engine such as Temporal, an outbox and a scheduler) gets from the package
// what it needs without working around it: [Instance.Check] reports what
// Fire would refuse, changing nothing, so a command can be rejected before
// it is recorded anywhere; [Instance.Applied] returns a command already
// applied, to fire it again and get its result and intents with the same
// keys; and a [Registry] holds definitions by name and version, so that
// [Registry.Restore] restores a snapshot with the definition it names (a
// project started on version 1 stays on version 1 after version 2 is
// registered) and [Registry.Migrate] moves one explicitly. The same
// commands give the same errors, whatever the order maps are read in.
//
// # Snapshots
//
// [Instance.Snapshot] and [Restore] round-trip through JSON. Restore fires
// nothing and refuses a snapshot of another definition or version
// ([*VersionError]) or one whose state, facts, deadlines or history disagree
// ([ErrCorrupt], naming the field). Its work is linear in the snapshot's
// size, but for sorting each entry's facts to hash them.
//
// # The audit trail: hash chain and keyed seal
//
// Each history [Entry] carries a Hash: the SHA-256 of the previous entry's
// hash and every field of the entry (sequence, command id, event, actor,
// role, states, instant, facts). Restore recomputes the chain and refuses a
// snapshot whose entries were damaged, edited or reordered. Without a key,
// the chain proves only that: it catches accidental corruption (a bad
// disk, a careless script, a hand edit that forgot the hashes), not a
// deliberate edit, since whoever edits a snapshot can compute the hashes
// again. The chain covers the history; a migration's checkpoint is checked
// against the history and the definition, not hashed.
//
// [Snapshot.Seal] adds what the chain cannot: a keyed seal, an HMAC-SHA-256
// over the snapshot's canonical encoding, under a key the caller passes in
// and keeps (it is never stored). [Snapshot.Verify] with the same key
// refuses, with an error wrapping [o2o.ErrSealBroken], a snapshot without a
// seal or with any edit at all (a state, an actor, a command id, an
// instant, a fact, the order of entries, the version) by anyone who does
// not hold the key. Verify, then Restore.
//
// # Versions and migration
//
// Running instances stay on the version they were started on. To move one
// to a newer version, restore it with its own definition and call
// [Instance.Migrate] with a map from old state names to new ones. Facts,
// history and due times carry over; the move is recorded as a [Migration],
// the checkpoint from which later steps are validated against the new
// version. A refused migration leaves the instance unchanged.
//
// # Rendering
//
// [Definition.Mermaid] and [Definition.DOT] draw a definition from its true
// initial state, with roles and guards on the edges, optionally highlighting
// a current state. Output is deterministic.
//
// # looplab/fsm
//
// Transitions execute through looplab/fsm machines pooled per definition and
// reused, so no fsm.FSM is built per call. Its quirks are normalised: no
// callbacks are registered (nothing can re-enter the machine or deadlock, and
// no callback key can be misspelt), the context given to it is never
// cancellable (a cancelled caller context is checked before anything
// happens), a self-transition is success rather than NoTransitionError,
// available events are sorted, and diagrams show the initial state. Users
// never import fsm or see its errors.
//
// # Concurrency
//
// A Definition is immutable and safe for concurrent use. An Instance is not:
// drive each one from one goroutine at a time.
package workflow
