package project

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	flow "github.com/o2okit/o2okit/workflow"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// histories are the recorded histories in testdata/: whole projects run on
// a real server (itest, RECORD=1) on decoration v1 taken from the registry.
func histories(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.history.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded history in testdata/ (record one: cd itest && RECORD=1 go test -run TestWholeProject ./...)")
	}
	return files
}

func replay(t *testing.T, reg *flow.Registry, file string) error {
	t.Helper()
	r := worker.NewWorkflowReplayer()
	h := &Host{Registry: reg}
	r.RegisterWorkflowWithOptions(h.Run, workflow.RegisterOptions{Name: WorkflowName})
	return r.ReplayWorkflowHistoryFromJSONFile(nil, file)
}

// TestReplayRecorded: today's code replays every recorded project, with v2
// registered beside v1: a change that would break running projects fails
// here.
func TestReplayRecorded(t *testing.T) {
	reg, err := Definitions(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range histories(t) {
		if err := replay(t, reg, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestReplayAcrossGetVersion: a project recorded by the code before the
// change ChangeActivityIDs (no marker, SDK-chosen activity ids) replays on
// today's code, which takes the old branch for it; without the
// GetVersion guard, the activity ids would differ and the replay fail.
func TestReplayAcrossGetVersion(t *testing.T) {
	reg, err := Definitions(false)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join("testdata", "before-activity-ids-v1.history.json")
	if err := replay(t, reg, f); err != nil {
		t.Errorf("%s: %v", f, err)
	}
	// Only the history recorded after the change carries the version
	// marker (its change id is base64 in the payload).
	for file, want := range map[string]bool{f: false, filepath.Join("testdata", "whole-v1.history.json"): true} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := versionMarker.Match(b); got != want {
			t.Errorf("%s: version marker %v, want %v", file, got, want)
		}
	}
}

// versionMarker matches GetVersion's marker event in protojson (whose
// spacing varies on purpose).
var versionMarker = regexp.MustCompile(`"markerName":\s*"Version"`)

// TestReplayCatchesChangedDefinition: changing v1 in place (an intent
// added to the measurement) instead of deploying a v2 breaks running
// projects, and the replay test says so.
func TestReplayCatchesChangedDefinition(t *testing.T) {
	v1, err := flow.ParseSpec(decorationV1)
	if err != nil {
		t.Fatal(err)
	}
	spec := v1.Spec()
	for i := range spec.Events {
		if spec.Events[i].Name == "measure" {
			spec.Events[i].Intents = append(spec.Events[i].Intents, flow.Intent{Kind: "notify", Role: flow.RoleDesigner, Note: "a new plan to design"})
		}
	}
	changed, err := flow.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := flow.NewRegistry(changed)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range histories(t) {
		err := replay(t, reg, f)
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "nondetermin") {
			t.Errorf("%s replayed on a changed v1: %v, want a nondeterminism error", f, err)
		}
	}
}
