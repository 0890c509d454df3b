package regions

import "github.com/o2okit/o2okit/o2o"

// A *Registry is the o2o.RegionNames the SDK's packages take: pass
// regions.China() wherever one is asked for.
var _ o2o.RegionNames = (*Registry)(nil)
