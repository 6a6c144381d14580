package conf

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Defaults returns the configuration that applies when probe.conf is silent:
// the guide's defaults where it states them, hpdiag-trace's choices where it
// does not (see Keys and docs/configuration.md).
func Defaults() *Config {
	c := &Config{}
	for i := range keySpecs {
		s := &keySpecs[i]
		if err := s.set(c, s.def, location{file: "conf.keySpecs"}, nil); err != nil {
			panic(fmt.Sprintf("conf: the default of %s is invalid: %v", s.key, err))
		}
	}
	return c
}

// LoadProbeConf reads the probe.conf at path over the defaults. Values are
// taken literally: there is no %(name)s interpolation, so %0 in probe_id
// stays for ExpandProbeID. A bad value is an *Error naming file:line, the
// value and the fix; unknown namespaces and keys, and settings that do not
// fit together, are sent to warn (which may be nil) with their file:line.
func LoadProbeConf(path string, warn Warner) (*Config, error) {
	f, err := readINI(path)
	if err != nil {
		return nil, err
	}
	return configFrom(f, warn)
}

// given records where each key of probe.conf was set, by "Namespace/key".
type given map[string]location

// configFrom applies the keys of f to the defaults.
func configFrom(f *iniFile, warn Warner) (*Config, error) {
	c := Defaults()
	c.File = f.Path
	set := given{}
	for _, s := range f.Sections {
		switch {
		case s.Name == nsMetrics:
			for _, k := range s.Keys {
				c.SystemMetrics = append(c.SystemMetrics, KeyValue{Key: k.Name, Value: k.Value, Line: k.Line})
			}
		case isNamespace(s.Name):
			for _, k := range s.Keys {
				spec, ok := lookupKey(s.Name, k.Name)
				if !ok {
					warn.send(unknownKey(f.Path, s.Name, k))
					continue
				}
				loc := location{file: f.Path, line: k.Line}
				if err := spec.set(c, k.Value, loc, warn); err != nil {
					return nil, err
				}
				set[s.Name+"/"+k.Name] = loc
			}
		default:
			warn.send(unknownNamespace(f.Path, s))
		}
	}
	crossCheck(c, f, set, warn)
	c.given = set
	return c, nil
}

func isNamespace(name string) bool {
	for _, ns := range namespaces {
		if ns == name {
			return true
		}
	}
	return false
}

// unknownNamespace explains a section probe.conf does not know.
func unknownNamespace(path string, s *iniSection) *Error {
	list := make([]string, len(namespaces))
	fix := ""
	for i, ns := range namespaces {
		list[i] = "[" + ns + "]"
		if strings.EqualFold(ns, strings.TrimSpace(s.Name)) {
			fix = "namespace names are case-sensitive: write [" + ns + "]"
		}
	}
	if fix == "" {
		fix = "the namespaces are " + strings.Join(list, ", ")
	}
	return &Error{File: path, Line: s.Line, Msg: fmt.Sprintf("unknown namespace [%s]; its keys are ignored", s.Name), Fix: fix}
}

// unknownKey explains a key its namespace does not have, suggesting the
// namespace it belongs to or the key it resembles.
func unknownKey(path, ns string, k iniKey) *Error {
	e := &Error{File: path, Line: k.Line, Msg: fmt.Sprintf("unknown key %s in [%s]; it is ignored", k.Name, ns)}
	var known []string
	best, bestDist := "", 3
	for _, s := range keySpecs {
		if s.ns != ns {
			if s.key == k.Name && e.Fix == "" {
				e.Fix = fmt.Sprintf("%s belongs in [%s]", s.key, s.ns)
			}
			continue
		}
		known = append(known, s.key)
		if d := editDistance(s.key, k.Name); d < bestDist {
			best, bestDist = s.key, d
		}
	}
	switch {
	case e.Fix != "":
	case best != "":
		e.Fix = "did you mean " + best + "?"
	default:
		e.Fix = fmt.Sprintf("the keys of [%s] are %s", ns, strings.Join(known, ", "))
	}
	return e
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// crossCheck warns about settings that are valid alone but do not fit
// together, at the line of the setting that has no effect.
func crossCheck(c *Config, f *iniFile, set given, warn Warner) {
	at := func(key string, msg, fix string) {
		if loc, ok := set[key]; ok {
			warn.send(&Error{File: loc.file, Line: loc.line, Msg: msg, Fix: fix})
		}
	}
	if c.Probe.MaximumStackDepth > 100 {
		at(nsProbe+"/maximum_stack_depth",
			fmt.Sprintf("maximum_stack_depth = %d: values above 100 are strongly discouraged; recursive methods can make nearly infinite call trees", c.Probe.MaximumStackDepth),
			"lower it to 100 or less")
	}
	timed := c.Logging.Class == "TimedRotatingFileHandler"
	for _, k := range []string{"when", "interval"} {
		if !timed {
			at(nsLogging+"/"+k, fmt.Sprintf("%s has no effect with class = %s", k, c.Logging.Class),
				"set class = TimedRotatingFileHandler to rotate on time, or remove "+k)
		}
	}
	if timed {
		at(nsLogging+"/max_file_size", "max_file_size has no effect with class = TimedRotatingFileHandler",
			"set class = RotatingFileHandler to rotate on size, or remove max_file_size")
	}
	if c.Logging.File != "" && !isAbs(c.Logging.File) {
		at(nsLogging+"/file", fmt.Sprintf("file = %s is not an absolute path; it is taken relative to the working directory", c.Logging.File),
			"write the absolute path of the log file")
	}
	if len(c.SystemMetrics) > 0 && !c.SystemMetricsCollector.Enabled {
		for _, s := range f.Sections {
			if s.Name == nsMetrics {
				warn.send(&Error{File: f.Path, Line: s.Line,
					Msg: fmt.Sprintf("[SystemMetrics] lists %d %s but the collector is disabled",
						len(c.SystemMetrics), plural(len(c.SystemMetrics), "metric")),
					Fix: "set enabled = true in [SystemMetricsCollector] to collect them"})
			}
		}
	}
}

// isAbs says whether p is absolute here or on Windows (C:\..., \\server\...),
// whichever system the file was written for.
func isAbs(p string) bool {
	if filepath.IsAbs(p) || strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}
