package conf

import (
	"fmt"
	"strings"
)

// Summarize describes, in a few lines for `hpdiag-trace check`, what was
// read: the probe.conf file and its settings that differ from the defaults,
// the [SystemMetrics] entries, the number of points per points file and the
// layers they report to. Passwords are not shown. cfg may be nil (the
// defaults) and points empty.
func Summarize(cfg *Config, points []*Point) string {
	var b strings.Builder
	if cfg == nil {
		cfg = Defaults()
	}
	if cfg.File != "" {
		fmt.Fprintf(&b, "probe.conf: %s\n", cfg.File)
	}
	changed := nonDefaults(cfg)
	if len(changed) == 0 {
		b.WriteString("settings: all defaults\n")
	} else {
		b.WriteString("settings other than the defaults:\n")
		for _, c := range changed {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	if n := len(cfg.SystemMetrics); n > 0 {
		fmt.Fprintf(&b, "[SystemMetrics]: %d %s\n", n, plural(n, "metric"))
	}
	writePoints(&b, points)
	return b.String()
}

// nonDefaults lists "[Namespace] key = value" for every key of cfg whose
// value differs from its default.
func nonDefaults(cfg *Config) []string {
	def := Defaults()
	var out []string
	for i := range keySpecs {
		s := &keySpecs[i]
		v := s.format(cfg)
		if v == s.format(def) {
			continue
		}
		if s.key == "password" {
			v = "(set)"
		}
		out = append(out, fmt.Sprintf("[%s] %s = %s", s.ns, s.key, v))
	}
	return out
}

// writePoints counts the points per file and per layer, in the order the
// files and layers first appear.
func writePoints(b *strings.Builder, points []*Point) {
	if len(points) == 0 {
		b.WriteString("points: none\n")
		return
	}
	var files, layers []string
	perFile, perLayer := map[string]int{}, map[string]int{}
	for _, p := range points {
		if perFile[p.File] == 0 {
			files = append(files, p.File)
		}
		perFile[p.File]++
		if perLayer[p.Layer] == 0 {
			layers = append(layers, p.Layer)
		}
		perLayer[p.Layer]++
	}
	fmt.Fprintf(b, "points: %d from %d %s\n", len(points), len(files), plural(len(files), "file"))
	for _, f := range files {
		fmt.Fprintf(b, "  %s: %d\n", f, perFile[f])
	}
	parts := make([]string, len(layers))
	for i, l := range layers {
		parts[i] = fmt.Sprintf("%s (%d)", l, perLayer[l])
	}
	fmt.Fprintf(b, "layers: %s\n", strings.Join(parts, ", "))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
