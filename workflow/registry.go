package workflow

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Registry holds definitions by name and version, so that a host running
// instances for months keeps every version it ever started one on: a
// snapshot is restored with the definition it names (Registry.Restore),
// and an instance moves to a newer version only by an explicit
// Registry.Migrate. Build the registry when the host starts, before any
// instance is restored; it is safe for concurrent use. The zero Registry
// is empty and ready to use.
type Registry struct {
	mu   sync.RWMutex
	defs map[registryKey]*Definition
}

type registryKey struct {
	name    string
	version int
}

// NewRegistry returns a registry holding defs (see Add).
func NewRegistry(defs ...*Definition) (*Registry, error) {
	r := &Registry{}
	for i, d := range defs {
		if err := r.Add(d); err != nil {
			return nil, o2o.Prefix(fmt.Sprintf("[%d]", i), err)
		}
	}
	return r, nil
}

// Add registers d under its name and version. It refuses a nil definition
// and a name and version already registered (an error wrapping
// o2o.ErrDuplicate): a version, once running instances, is never replaced.
// A refused Add leaves the registry unchanged.
func (r *Registry) Add(d *Definition) error {
	if d == nil {
		return o2o.Invalid("definition", "is required")
	}
	k := registryKey{d.Name(), d.Version()}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.defs[k]; ok {
		return o2o.InvalidAs(o2o.ErrDuplicate, "definition", fmt.Sprintf("%s v%d is already registered", k.name, k.version))
	}
	if r.defs == nil {
		r.defs = make(map[registryKey]*Definition)
	}
	r.defs[k] = d
	return nil
}

// Lookup returns the definition registered under name and version.
func (r *Registry) Lookup(name string, version int) (*Definition, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.defs[registryKey{name, version}]
	return d, ok
}

// Latest returns the highest version registered under name: the one a new
// instance starts on.
func (r *Registry) Latest(name string) (*Definition, bool) {
	vs := r.Versions(name)
	if len(vs) == 0 {
		return nil, false
	}
	return r.Lookup(name, vs[len(vs)-1])
}

// Versions returns the versions registered under name, ascending, as a
// fresh slice (nil for an unknown name).
func (r *Registry) Versions(name string) []int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var vs []int
	for k := range r.defs {
		if k.name == name {
			vs = append(vs, k.version)
		}
	}
	slices.Sort(vs)
	return vs
}

// Restore restores s with the definition registered under the name and
// version the snapshot names (see the package function Restore for every
// check made), so an instance started on version 1 keeps running on
// version 1 after version 2 is registered. A snapshot naming a definition
// not registered is refused with an error wrapping ErrVersion.
func (r *Registry) Restore(s Snapshot) (*Instance, error) {
	d, ok := r.Lookup(s.Definition, s.Version)
	if !ok {
		return nil, o2o.InvalidAs(ErrVersion, "definition",
			fmt.Sprintf("%s v%d is not registered (registered versions: %v)", s.Definition, s.Version, r.Versions(s.Definition)))
	}
	return Restore(d, s)
}

// Migrate moves in to the version registered under its flow's name (see
// Instance.Migrate for what carries over and what is refused). A version
// not registered is refused with an error wrapping ErrVersion, and in is
// unchanged.
func (r *Registry) Migrate(in *Instance, version int, states map[string]string, at time.Time) error {
	if in == nil || in.def == nil {
		return errEmpty()
	}
	d, ok := r.Lookup(in.def.Name(), version)
	if !ok {
		return o2o.InvalidAs(ErrVersion, "version",
			fmt.Sprintf("%s v%d is not registered (registered versions: %v)", in.def.Name(), version, r.Versions(in.def.Name())))
	}
	return in.Migrate(d, states, at)
}
