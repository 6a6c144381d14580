package conf

import (
	"fmt"
	"strings"
)

// DefaultProbeConf is the probe.conf `hpdiag-trace setup` installs: every
// namespace and key of Keys, commented out at its default, with its
// documentation above it. Reading it gives the defaults.
func DefaultProbeConf() string {
	var b strings.Builder
	b.WriteString("# probe.conf of hpdiag-trace (the HP Diagnostics Python Agent's, chapter 4 of the guide).\n")
	b.WriteString("# Every key is shown at its default, commented out; see docs/configuration.md.\n")
	ns := ""
	for _, k := range Keys() {
		if k.Namespace != ns {
			ns = k.Namespace
			fmt.Fprintf(&b, "\n[%s]\n", ns)
		}
		fmt.Fprintf(&b, "# %s\n#%s = %s\n", k.Doc, k.Key, k.Default)
	}
	return b.String()
}
