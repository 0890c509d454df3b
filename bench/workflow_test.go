package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/looplab/fsm"
	"github.com/qmuntal/stateless"

	"github.com/o2okit/o2okit/o2o"
	wf "github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

var wt0 = time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())

func wat(h int) time.Time { return wt0.Add(time.Duration(h) * time.Hour) }

func wcmd(id, event, actor string, role wf.Role, h int, facts wf.Facts) wf.Command {
	return wf.Command{ID: id, Event: event, Actor: actor, Role: role, At: wat(h), Facts: facts}
}

// journey is a decoration project from application to review.
func journey() []wf.Command {
	return []wf.Command{
		wcmd("c1", "apply", "owner-1", wf.RoleOwner, 0, wf.Facts{decoration.FactVenue: "online"}),
		wcmd("c2", "buy_live_video", "owner-1", wf.RoleOwner, 1, nil),
		wcmd("c3", "measure", "store-sz-01", wf.RoleStore, 30, wf.Facts{decoration.FactFloorPlan: "plan-001"}),
		wcmd("c4", "upload_plan", "owner-1", wf.RoleOwner, 40, wf.Facts{decoration.FactDesignMode: "designer"}),
		wcmd("c5", "submit_design", "designer-7", wf.RoleDesigner, 100, wf.Facts{decoration.FactDesign: "design-9"}),
		wcmd("c6", "confirm_design", "owner-1", wf.RoleOwner, 120, wf.Facts{decoration.FactProducts: "sel-3", decoration.FactPlatformOrder: "PO-88", decoration.FactProvincePrice: "true"}),
		wcmd("c7", "choose_crew", "owner-1", wf.RoleOwner, 150, wf.Facts{decoration.FactCrew: "crew-5"}),
		wcmd("c8", "agree_drawings", "store-sz-01", wf.RoleStore, 200, wf.Facts{decoration.FactDrawings: "dwg-2"}),
		wcmd("c9", "book", "owner-1", wf.RoleOwner, 210, wf.Facts{decoration.FactBookedFor: wat(24 * 20).Format(time.RFC3339)}),
		wcmd("c10", "start_construction", "spec-4", wf.RoleSpecialist, 24*20+5, wf.Facts{decoration.FactEcoCertified: "true", decoration.FactLiveStream: "live-77"}),
		wcmd("c11", "hand_over", "spec-4", wf.RoleSpecialist, 24*50, wf.Facts{decoration.FactHandedOverAt: wat(24 * 50).Format(time.RFC3339)}),
	}
}

// The peer's snapshot: a plain struct of the same JSON shape.
type pDeadline struct {
	State string    `json:"state"`
	For   string    `json:"for"`
	Due   time.Time `json:"due"`
	Met   time.Time `json:"met,omitzero"`
}

type pEntry struct {
	Seq     int               `json:"seq"`
	Command string            `json:"command"`
	Event   string            `json:"event"`
	Actor   string            `json:"actor"`
	Role    string            `json:"role"`
	From    string            `json:"from"`
	To      string            `json:"to"`
	At      time.Time         `json:"at"`
	Facts   map[string]string `json:"facts,omitempty"`
	Hash    string            `json:"hash"`
}

type pSnapshot struct {
	Definition string            `json:"definition"`
	Version    int               `json:"version"`
	State      string            `json:"state"`
	Seq        int               `json:"seq"`
	Facts      map[string]string `json:"facts,omitempty"`
	Deadlines  []pDeadline       `json:"deadlines,omitempty"`
	History    []pEntry          `json:"history"`
}

// plainFlow is the decoration flow as a plain program holds it: looplab
// events, and the roles allowed per event.
type plainFlow struct {
	events fsm.Events
	roles  map[string][]string
	shared *fsm.FSM
	sl     *stateless.StateMachine
}

type snapKey struct{}

func newPlainFlow(def *wf.Definition) *plainFlow {
	p := &plainFlow{roles: map[string][]string{}}
	sl := stateless.NewStateMachineWithExternalStorage(
		func(ctx context.Context) (stateless.State, error) {
			return ctx.Value(snapKey{}).(*pSnapshot).State, nil
		},
		func(ctx context.Context, s stateless.State) error {
			ctx.Value(snapKey{}).(*pSnapshot).State = s.(string)
			return nil
		}, stateless.FiringImmediate)
	for _, e := range def.Spec().Events {
		p.events = append(p.events, fsm.EventDesc{Name: e.Name, Src: e.From, Dst: e.To})
		for _, r := range e.Roles {
			p.roles[e.Name] = append(p.roles[e.Name], string(r))
		}
		for _, from := range e.From {
			if from == e.To {
				sl.Configure(from).PermitReentry(e.Name)
			} else {
				sl.Configure(from).Permit(e.Name, e.To)
			}
		}
	}
	p.shared = fsm.NewFSM(def.Initial(), p.events, nil)
	p.sl = sl
	return p
}

// plainHash chains an entry to the previous one with SHA-256, as the
// snapshot's history does.
func plainHash(prev string, e *pEntry) string {
	b := make([]byte, 0, 256)
	b = append(b, prev...)
	b = strconv.AppendInt(b, int64(e.Seq), 10)
	b = append(b, e.Command...)
	b = append(b, e.Event...)
	b = append(b, e.Actor...)
	b = append(b, e.Role...)
	b = append(b, e.From...)
	b = append(b, e.To...)
	b = e.At.AppendFormat(b, time.RFC3339Nano)
	for k, v := range e.Facts {
		b = append(b, k...)
		b = append(b, v...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

var errPlain = errors.New("refused")

// step is the plain command handling: role and idempotency checks, the
// event on a looplab machine, the facts and the history entry.
func (p *plainFlow) step(ctx context.Context, s *pSnapshot, c wf.Command, fire func() error) error {
	if !slices.Contains(p.roles[c.Event], string(c.Role)) {
		return errPlain
	}
	for i := range s.History {
		if s.History[i].Command == c.ID {
			return errPlain
		}
	}
	from := s.State
	if err := fire(); err != nil {
		return err
	}
	if s.Facts == nil {
		s.Facts = map[string]string{}
	}
	for k, v := range c.Facts {
		s.Facts[k] = v
	}
	e := pEntry{Seq: s.Seq + 1, Command: c.ID, Event: c.Event, Actor: c.Actor, Role: string(c.Role), From: from, To: s.State, At: c.At, Facts: c.Facts}
	prev := ""
	if n := len(s.History); n > 0 {
		prev = s.History[n-1].Hash
	}
	e.Hash = plainHash(prev, &e)
	s.History = append(s.History, e)
	s.Seq++
	return nil
}

type workflowSetup struct {
	def  *wf.Definition
	data []byte
	next wf.Command
	flow *plainFlow
}

func newWorkflowSetup(b testing.TB) *workflowSetup {
	def, err := decoration.Process(decoration.WithVersion(1)) // the flow the plain peer mirrors: no construction nodes
	if err != nil {
		b.Fatal(err)
	}
	in := wf.New(def)
	j := journey()
	for _, c := range j[:10] {
		if _, err := in.Fire(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
	data, err := json.Marshal(in.Snapshot())
	if err != nil {
		b.Fatal(err)
	}
	var ps pSnapshot
	if err := json.Unmarshal(data, &ps); err != nil {
		b.Fatal(err)
	}
	if again, _ := json.Marshal(ps); string(again) != string(data) {
		b.Fatalf("the plain snapshot does not have the same shape:\n%s\n%s", again, data)
	}
	return &workflowSetup{def: def, data: data, next: j[10], flow: newPlainFlow(def)}
}

// BenchmarkWorkflow: the whole path (snapshot bytes → restore → one
// command → snapshot bytes) beside the same path written plainly with
// looplab/fsm (a machine made per request, as concurrent requests need,
// or one shared machine set to the state) and with qmuntal/stateless on
// external storage; Fire beside looplab's Event; Can beside a map lookup.
func BenchmarkWorkflow(b *testing.B) {
	s := newWorkflowSetup(b)
	ctx := context.Background()
	runCPU(b, "whole_path/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var snap wf.Snapshot
			if err := json.Unmarshal(s.data, &snap); err != nil {
				b.Fatal(err)
			}
			in, err := wf.Restore(s.def, snap)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := in.Fire(ctx, s.next); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(in.Snapshot()); err != nil {
				b.Fatal(err)
			}
		}
	})
	plain := func(b *testing.B, fire func(ps *pSnapshot) error) {
		b.ReportAllocs()
		for b.Loop() {
			var ps pSnapshot
			if err := json.Unmarshal(s.data, &ps); err != nil {
				b.Fatal(err)
			}
			if ps.Definition != s.def.Name() || ps.Version != s.def.Version() {
				b.Fatal("wrong definition")
			}
			if err := s.flow.step(ctx, &ps, s.next, func() error { return fire(&ps) }); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(ps); err != nil {
				b.Fatal(err)
			}
		}
	}
	runCPU(b, "whole_path/peer-looplab-new", func(b *testing.B) {
		plain(b, func(ps *pSnapshot) error {
			f := fsm.NewFSM(ps.State, s.flow.events, nil)
			if err := f.Event(ctx, s.next.Event); err != nil {
				return err
			}
			ps.State = f.Current()
			return nil
		})
	})
	runCPU(b, "whole_path/peer-looplab-shared", func(b *testing.B) {
		plain(b, func(ps *pSnapshot) error {
			s.flow.shared.SetState(ps.State)
			if err := s.flow.shared.Event(ctx, s.next.Event); err != nil {
				return err
			}
			ps.State = s.flow.shared.Current()
			return nil
		})
	})
	runCPU(b, "whole_path/peer-stateless", func(b *testing.B) {
		plain(b, func(ps *pSnapshot) error {
			return s.flow.sl.FireCtx(context.WithValue(ctx, snapKey{}, ps), s.next.Event)
		})
	})
	runCPU(b, "decode/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var snap wf.Snapshot
			if err := json.Unmarshal(s.data, &snap); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "decode/peer-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var ps pSnapshot
			if err := json.Unmarshal(s.data, &ps); err != nil {
				b.Fatal(err)
			}
		}
	})
	var snap wf.Snapshot
	if err := json.Unmarshal(s.data, &snap); err != nil {
		b.Fatal(err)
	}
	in, err := wf.Restore(s.def, snap)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := in.Fire(ctx, s.next); err != nil {
		b.Fatal(err)
	}
	after := in.Snapshot()
	var pafter pSnapshot
	if data, err := json.Marshal(after); err != nil {
		b.Fatal(err)
	} else if err := json.Unmarshal(data, &pafter); err != nil {
		b.Fatal(err)
	}
	runCPU(b, "encode/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(after); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "encode/peer-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(pafter); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "restore+fire/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			in, err := wf.Restore(s.def, snap)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := in.Fire(ctx, s.next); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "restore+fire/peer-looplab-new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := fsm.NewFSM(snap.State, s.flow.events, nil)
			if err := f.Event(ctx, s.next.Event); err != nil {
				b.Fatal(err)
			}
		}
	})

	loop, err := wf.Build(wf.Spec{
		Name: "loop", Version: 1, Initial: "a", Terminal: []string{"end"},
		States: []wf.StateSpec{{Name: "a"}, {Name: "b"}, {Name: "end"}},
		Events: []wf.EventSpec{
			{Name: "go", From: []string{"a"}, To: "b", Roles: []wf.Role{wf.RoleOwner}},
			{Name: "back", From: []string{"b"}, To: "a", Roles: []wf.Role{wf.RoleOwner}},
			{Name: "stop", From: []string{"a", "b"}, To: "end", Roles: []wf.Role{wf.RoleOwner}},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	loopEvent := func(i int) string {
		if i%2 == 0 {
			return "go"
		}
		return "back"
	}
	b.Run("fire/o2okit", func(b *testing.B) {
		// A new instance every 32 steps (on the clock): a project's
		// history is short.
		cmds := make([]wf.Command, 32)
		for i := range cmds {
			cmds[i] = wf.Command{ID: "cmd-" + strconv.Itoa(i), Event: loopEvent(i), Actor: "a", Role: wf.RoleOwner, At: wat(i)}
		}
		b.ReportAllocs()
		in := wf.New(loop)
		i := 0
		for b.Loop() {
			if i == 32 {
				i = 0
				in = wf.New(loop)
			}
			if _, err := in.Fire(ctx, cmds[i]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("fire/peer-looplab-event", func(b *testing.B) {
		f := fsm.NewFSM("a", fsm.Events{
			{Name: "go", Src: []string{"a"}, Dst: "b"},
			{Name: "back", Src: []string{"b"}, Dst: "a"},
			{Name: "stop", Src: []string{"a", "b"}, Dst: "end"},
		}, nil)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := f.Event(ctx, loopEvent(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("can/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !in.Can("review", wf.RoleOwner) {
				b.Fatal("cannot review")
			}
		}
	})
	type tk struct{ state, event string }
	table := map[tk][]wf.Role{}
	for _, e := range s.def.Spec().Events {
		for _, from := range e.From {
			table[tk{from, e.Name}] = e.Roles
		}
	}
	state := in.State()
	b.Run("can/limit-map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !slices.Contains(table[tk{state, "review"}], wf.RoleOwner) {
				b.Fatal("cannot review")
			}
		}
	})
}
