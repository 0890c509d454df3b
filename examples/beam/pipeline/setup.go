package pipeline

import "github.com/o2okit/o2okit/examples/monthend/month"

// withSetup is what a DoFn that needs the month's setup (rulebook, Engine,
// drainage rules, campaigns, credit lines, period) embeds: the month's
// config, which is all that is shipped to the workers, and the setup each
// DoFn instance builds from it once, in Setup.
type withSetup struct {
	// Month is the month's config.
	Month month.Config `json:"month"`
	setup *month.Setup
}

// Setup builds the month's setup.
func (f *withSetup) Setup() error {
	s, err := month.NewSetup(f.Month)
	f.setup = s
	return err
}
