// Package points holds the out-of-the-box points files, which
// `hpdiag-trace setup` installs into the configuration directory.
package points

import "embed"

// Files are the points files, by name (http_coloring.point ...).
//
//go:embed *.point
var Files embed.FS
