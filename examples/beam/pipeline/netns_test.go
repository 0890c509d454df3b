package pipeline

import (
	"flag"
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// isolated reports whether every network interface that is up is a
// loopback one: the tests run Prism, whose job server and workers listen
// on all interfaces, so they run only in a private network namespace
// (`unshare -n sh -c 'ip link set lo up && go test ./...'`).
func isolated() (bool, string) {
	ifs, err := net.Interfaces()
	if err != nil {
		return false, err.Error()
	}
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&net.FlagLoopback == 0 {
			return false, "interface " + i.Name + " is up"
		}
	}
	return true, ""
}

// requireIsolated skips the test outside a private network namespace, or
// fails it when CI demands the Prism tests (CI=true or CI_REQUIRE_DB=1).
func requireIsolated(t testing.TB) {
	t.Helper()
	ok, why := isolated()
	if ok {
		return
	}
	msg := "Prism listens on every interface, and " + why +
		": run the tests in a private network namespace: unshare -n sh -c 'ip link set lo up && go test ./...'"
	if os.Getenv("CI") == "true" || os.Getenv("CI_REQUIRE_DB") == "1" {
		t.Fatal(msg + " (CI requires them)")
	}
	t.Skip("SKIPPED: " + msg)
}

// TestMain initialises Beam before any pipeline is built, and says once
// when the Prism tests will skip.
func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	if ok, why := isolated(); !ok && os.Getenv("CI") != "true" && os.Getenv("CI_REQUIRE_DB") != "1" {
		fmt.Fprintf(os.Stderr, "examples/beam: NOT ISOLATED (%s): the Prism tests SKIP; run them under unshare -n sh -c 'ip link set lo up && go test ./...'\n", why)
	}
	os.Exit(m.Run())
}
