package workflow

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/looplab/fsm"
)

// bareLoop is the loop flow as a bare looplab/fsm machine: the baseline.
func bareLoop() *fsm.FSM {
	return fsm.NewFSM("a", fsm.Events{
		{Name: "go", Src: []string{"a"}, Dst: "b"},
		{Name: "back", Src: []string{"b"}, Dst: "a"},
		{Name: "stop", Src: []string{"a", "b"}, Dst: "end"},
	}, nil)
}

// BenchmarkBareEvent is looplab/fsm's Event on a machine in memory.
func BenchmarkBareEvent(b *testing.B) {
	f := bareLoop()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if err := f.Event(ctx, loopEvent(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkNewFSMPerCall rebuilds a looplab machine for every event: what
// this package avoids.
func BenchmarkNewFSMPerCall(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		f := bareLoop()
		if err := f.Event(ctx, "go"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFire is Fire on an instance in memory, with the command id check,
// role check, history and looplab/fsm step. The history is reset every 32
// steps (on the clock; its room is allocated again) so the id index stays
// in its usual, short-history regime.
func BenchmarkFire(b *testing.B) {
	def := mustLoop(b)
	cmds := make([]Command, 32)
	for i, id := range ids(32) {
		cmds[i] = Command{ID: id, Event: loopEvent(i), Actor: "a", Role: RoleOwner, At: at(i)}
	}
	ctx := context.Background()
	in := New(def)
	in.history = make([]record, 0, 32)
	i := 0
	for b.Loop() {
		if i == 32 {
			i = 0
			in.history = in.history[:0]
			in.more = nil
			in.si, in.last = def.initial, time.Time{}
		}
		if _, err := in.Fire(ctx, cmds[i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkFireRestored is BenchmarkFire on an instance restored from a
// decoded snapshot (two steps in), against BenchmarkBareEvent on the same
// loop flow. Every 30 steps the instance is restored afresh by RestoreOwned
// from the same decoded snapshot (on the clock: about 3 ns a step), so the
// history stays within the 32 steps whose command ids are scanned, as in
// BenchmarkFire. The history grows by appending, as it does in use
// (BenchmarkFire reuses its room).
func BenchmarkFireRestored(b *testing.B) {
	def := mustLoop(b)
	ctx := context.Background()
	in := New(def)
	for i, id := range ids(2) {
		if _, err := in.Fire(ctx, Command{ID: id, Event: loopEvent(i), Actor: "a", Role: RoleOwner, At: at(i)}); err != nil {
			b.Fatal(err)
		}
	}
	data, err := json.Marshal(in.Snapshot())
	if err != nil {
		b.Fatal(err)
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		b.Fatal(err)
	}
	cmds := make([]Command, 30)
	for i, id := range ids(32)[2:] {
		cmds[i] = Command{ID: id, Event: loopEvent(i), Actor: "a", Role: RoleOwner, At: at(2 + i)}
	}
	i := len(cmds)
	for b.Loop() {
		if i == len(cmds) {
			// The steps fired since went beyond the snapshot's lengths
			// only, so it is still the same snapshot.
			if in, err = RestoreOwned(def, s); err != nil {
				b.Fatal(err)
			}
			i = 0
		}
		if _, err := in.Fire(ctx, cmds[i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// restoreSnapshot is a decoration project 10 steps in: a 10-entry history,
// as stored (JSON) and as decoded from it.
func restoreSnapshot(b *testing.B) (*Definition, Snapshot, []byte) {
	def := mustDecoration(b)
	in := run(b, def, decorationJourney()[:10])
	data, err := json.Marshal(in.Snapshot())
	if err != nil {
		b.Fatal(err)
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		b.Fatal(err)
	}
	b.Logf("decoded: %d entries (cap %d), %d facts (cap %d)", len(s.History), cap(s.History), len(s.Facts), cap(s.Facts))
	return def, s, data
}

// BenchmarkRestoreFire restores a decoded snapshot (validated, 10 entries)
// and fires one event: the cost of serving a request from storage.
func BenchmarkRestoreFire(b *testing.B) {
	def, s, _ := restoreSnapshot(b)
	c := decorationJourney()[10].cmd
	ctx := context.Background()
	for b.Loop() {
		in, err := Restore(def, s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := in.Fire(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestoreOwnedFire is BenchmarkRestoreFire with RestoreOwned: the
// instance takes over the decoded snapshot, as when it was just decoded for
// this request. The step fired writes its entry and its new fact into the
// spare room of the snapshot's slices (the same slots each round, beyond
// their lengths) and meets the open deadline in place, so each round hands
// over a fresh copy of the deadlines (copied inside the timed loop, to the
// benchmark's cost).
func BenchmarkRestoreOwnedFire(b *testing.B) {
	def, s, _ := restoreSnapshot(b)
	c := decorationJourney()[10].cmd
	ctx := context.Background()
	dls := make([]Deadline, len(s.Deadlines))
	for b.Loop() {
		own := s
		copy(dls, s.Deadlines)
		own.Deadlines = dls[:len(dls):len(dls)]
		in, err := RestoreOwned(def, own)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := in.Fire(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadFire is BenchmarkRestoreOwnedFire with Load into one
// Instance kept across requests, as a worker would: no allocation of ours.
func BenchmarkLoadFire(b *testing.B) {
	def, s, _ := restoreSnapshot(b)
	c := decorationJourney()[10].cmd
	ctx := context.Background()
	dls := make([]Deadline, len(s.Deadlines))
	var in Instance
	for b.Loop() {
		own := s
		copy(dls, s.Deadlines)
		own.Deadlines = dls[:len(dls):len(dls)]
		if err := in.Load(def, own); err != nil {
			b.Fatal(err)
		}
		if _, err := in.Fire(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad is the validated restore of BenchmarkLoadFire alone.
func BenchmarkLoad(b *testing.B) {
	def, s, _ := restoreSnapshot(b)
	var in Instance
	for b.Loop() {
		if err := in.Load(def, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshotDecode is the JSON decoding left out of BenchmarkRestoreFire.
func BenchmarkSnapshotDecode(b *testing.B) {
	_, _, data := restoreSnapshot(b)
	for b.Loop() {
		var s Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareEventDecoration is looplab's Event on the decoration flow,
// reset to the same state each time: the baseline for BenchmarkRestoreFire.
func BenchmarkBareEventDecoration(b *testing.B) {
	def := mustDecoration(b)
	f := fsm.NewFSM(def.Initial(), def.fsmEvents, nil)
	ctx := context.Background()
	for b.Loop() {
		f.SetState(StateUnderConstruction)
		if err := f.Event(ctx, "hand_over"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCan(b *testing.B) {
	def := mustDecoration(b)
	for b.Loop() {
		if !def.Can(StateBooked, "cancel") {
			b.Fatal("cannot")
		}
	}
}

// BenchmarkCanTable is the baseline: a plain map from (state, event).
func BenchmarkCanTable(b *testing.B) {
	def := mustDecoration(b)
	table := map[[2]string]string{}
	for _, e := range def.fsmEvents {
		table[[2]string{e.Src[0], e.Name}] = e.Dst
	}
	for b.Loop() {
		if _, ok := table[[2]string{StateBooked, "cancel"}]; !ok {
			b.Fatal("cannot")
		}
	}
}

// BenchmarkCanFSM is looplab's Can, which locks two mutexes.
func BenchmarkCanFSM(b *testing.B) {
	def := mustDecoration(b)
	f := fsm.NewFSM(StateBooked, def.fsmEvents, nil)
	for b.Loop() {
		if !f.Can("cancel") {
			b.Fatal("cannot")
		}
	}
}

func BenchmarkAvailable(b *testing.B) {
	def := mustDecoration(b)
	for b.Loop() {
		if len(def.Available(StateBooked)) != 3 {
			b.Fatal("available")
		}
	}
}

// BenchmarkAvailableFSM is looplab's AvailableTransitions (unsorted).
func BenchmarkAvailableFSM(b *testing.B) {
	def := mustDecoration(b)
	f := fsm.NewFSM(StateBooked, def.fsmEvents, nil)
	for b.Loop() {
		if len(f.AvailableTransitions()) != 3 {
			b.Fatal("available")
		}
	}
}

// BenchmarkRestore is the validated restore of BenchmarkRestoreFire alone.
func BenchmarkRestore(b *testing.B) {
	def, s, _ := restoreSnapshot(b)
	for b.Loop() {
		if _, err := Restore(def, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRangeFactMaps ranges over the same facts held in one map per
// entry, as Entry.Facts was before it became a FactList: that alone costs
// more than a looplab/fsm Event, which ruled maps out of snapshots.
func BenchmarkRangeFactMaps(b *testing.B) {
	_, s, _ := restoreSnapshot(b)
	maps := make([]Facts, len(s.History))
	for i := range s.History {
		maps[i] = s.History[i].Facts.Map()
	}
	n := 0
	for b.Loop() {
		for _, m := range maps {
			for k := range m {
				n += len(k)
			}
		}
	}
	if n == 0 {
		b.Fatal("no facts")
	}
}

// BenchmarkRestoreOwned is the validated restore of BenchmarkRestoreOwnedFire
// alone (a restore without a step writes nothing, so s is reused).
func BenchmarkRestoreOwned(b *testing.B) {
	def, s, _ := restoreSnapshot(b)
	for b.Loop() {
		if _, err := RestoreOwned(def, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestoreFireVsBare measures the restore target in one run, side by
// side: batches of bare looplab Events on the decoration flow (SetState +
// Event, as BenchmarkBareEventDecoration) alternate with batches of
// Load + Fire on a decoded 10-step snapshot, loaded into one Instance kept
// across rounds (as BenchmarkLoadFire), with batches of RestoreOwned + Fire
// (as BenchmarkRestoreOwnedFire), and with batches of each restore alone,
// so that all see the same load on a shared machine. It reports the
// medians of the per-round ratios to the bare Event ("x-bare" for Load +
// Fire, "x-bare-owned" for RestoreOwned + Fire) and the median ns of each
// batch's step. ns/op is per round of the five batches.
func BenchmarkRestoreFireVsBare(b *testing.B) {
	def, s, _ := restoreSnapshot(b)
	c := decorationJourney()[10].cmd
	ctx := context.Background()
	const batch = 64
	// Each restore takes over a snapshot of its own, prepared before the
	// batch is timed: the decoded snapshot with fresh deadlines (the step
	// fired meets the open one in place; it writes its entry and fact
	// beyond the lengths of the snapshot's slices, the same slots each
	// time, so the rest of s stays the same).
	owns := make([]Snapshot, batch)
	dls := make([]Deadline, batch*len(s.Deadlines))
	prepare := func() []Snapshot {
		for k := range owns {
			d := dls[k*len(s.Deadlines) : (k+1)*len(s.Deadlines) : (k+1)*len(s.Deadlines)]
			copy(d, s.Deadlines)
			owns[k] = s
			owns[k].Deadlines = d
		}
		return owns
	}
	f := fsm.NewFSM(def.Initial(), def.fsmEvents, nil)
	var kept Instance
	var bare, load, owned, loadOnly, ownedOnly, ratios, ratiosOwned []float64
	per := func(from, to time.Time) float64 { return float64(to.Sub(from)) / batch }
	for b.Loop() {
		t0 := time.Now()
		for range batch {
			f.SetState(StateUnderConstruction)
			if err := f.Event(ctx, "hand_over"); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		snaps := prepare()
		t2 := time.Now()
		for k := range batch {
			if err := kept.Load(def, snaps[k]); err != nil {
				b.Fatal(err)
			}
			if _, err := kept.Fire(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		t3 := time.Now()
		snaps = prepare()
		t4 := time.Now()
		for k := range batch {
			in, err := RestoreOwned(def, snaps[k])
			if err != nil {
				b.Fatal(err)
			}
			if _, err := in.Fire(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		t5 := time.Now()
		snaps = prepare()
		t6 := time.Now()
		for k := range batch {
			if err := kept.Load(def, snaps[k]); err != nil {
				b.Fatal(err)
			}
		}
		t7 := time.Now()
		snaps = prepare()
		t8 := time.Now()
		for k := range batch {
			if _, err := RestoreOwned(def, snaps[k]); err != nil {
				b.Fatal(err)
			}
		}
		t9 := time.Now()
		x := per(t0, t1)
		bare, load, owned = append(bare, x), append(load, per(t2, t3)), append(owned, per(t4, t5))
		loadOnly, ownedOnly = append(loadOnly, per(t6, t7)), append(ownedOnly, per(t8, t9))
		ratios, ratiosOwned = append(ratios, per(t2, t3)/x), append(ratiosOwned, per(t4, t5)/x)
	}
	b.ReportMetric(median(ratios), "x-bare")
	b.ReportMetric(median(ratiosOwned), "x-bare-owned")
	b.ReportMetric(median(bare), "ns/bare")
	b.ReportMetric(median(load), "ns/load+fire")
	b.ReportMetric(median(owned), "ns/owned+fire")
	b.ReportMetric(median(loadOnly), "ns/load")
	b.ReportMetric(median(ownedOnly), "ns/owned")
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// BenchmarkFireVsBare measures the Fire target in one run, side by side:
// batches of 30 bare looplab Events on the loop flow alternate with
// batches of 30 Fires on an instance restored (RestoreOwned, in the batch)
// from a decoded two-step snapshot, and with batches of 30 Fires on an
// instance in memory (New, its history growing by appending). It reports
// the median per-pair ratios ("x-bare" restored, "x-bare-new" in memory)
// and the median ns per step of each.
func BenchmarkFireVsBare(b *testing.B) {
	def := mustLoop(b)
	ctx := context.Background()
	seed := New(def)
	for i, id := range ids(2) {
		if _, err := seed.Fire(ctx, Command{ID: id, Event: loopEvent(i), Actor: "a", Role: RoleOwner, At: at(i)}); err != nil {
			b.Fatal(err)
		}
	}
	data, err := json.Marshal(seed.Snapshot())
	if err != nil {
		b.Fatal(err)
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		b.Fatal(err)
	}
	const batch = 30
	restored, fresh := make([]Command, batch), make([]Command, batch)
	for i, id := range ids(batch + 2) {
		if i >= 2 {
			restored[i-2] = Command{ID: id, Event: loopEvent(i - 2), Actor: "a", Role: RoleOwner, At: at(i)}
		}
		if i < batch {
			fresh[i] = Command{ID: id, Event: loopEvent(i), Actor: "a", Role: RoleOwner, At: at(i)}
		}
	}
	f := bareLoop()
	var bare, fire, fireNew, ratios, ratiosNew []float64
	for b.Loop() {
		t0 := time.Now()
		for i := range batch {
			if err := f.Event(ctx, loopEvent(i)); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		in, err := RestoreOwned(def, s)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range restored {
			if _, err := in.Fire(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		in = New(def)
		for _, c := range fresh {
			if _, err := in.Fire(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		t3 := time.Now()
		x := float64(t1.Sub(t0)) / batch
		y, z := float64(t2.Sub(t1))/batch, float64(t3.Sub(t2))/batch
		bare, fire, fireNew = append(bare, x), append(fire, y), append(fireNew, z)
		ratios, ratiosNew = append(ratios, y/x), append(ratiosNew, z/x)
	}
	b.ReportMetric(median(ratios), "x-bare")
	b.ReportMetric(median(ratiosNew), "x-bare-new")
	b.ReportMetric(median(bare), "ns/bare")
	b.ReportMetric(median(fire), "ns/fire")
	b.ReportMetric(median(fireNew), "ns/fire-new")
}
