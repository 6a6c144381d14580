package conf

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultConfigFile is the probe configuration read when no -c is given.
const DefaultConfigFile = "probe.conf"

// Dirs are the agent's directories, chosen as the guide's chapter 3 says.
type Dirs struct {
	ConfigDir string // probe.conf and points files
	BinDir    string // helper programs
	LogDir    string // where setup creates the log directory; not configurable
}

// ResolveDirs picks the configuration and binary directories: a flag wins over
// $PYPROBE_CONFIG_DIR / $PYPROBE_BIN_DIR, which win over the defaults,
// /opt/hpdiag/etc and /opt/hpdiag/bin, or on Windows %PROGRAMDATA%\hpdiag\etc
// and \bin (C:\ProgramData when PROGRAMDATA is unset). The guide's Windows
// defaults sit under %PROGRAMDATA%\Hewlett-Packard\hpdiag; hpdiag-trace drops
// the vendor directory. getenv may be nil (no environment); goos is
// runtime.GOOS or the system to resolve for.
func ResolveDirs(flagConfigDir, flagBinDir string, getenv func(string) string, goos string) Dirs {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	def := Dirs{ConfigDir: "/opt/hpdiag/etc", BinDir: "/opt/hpdiag/bin", LogDir: "/var/log/hpdiag"}
	if goos == "windows" {
		base := strings.TrimRight(getenv("PROGRAMDATA"), `\/`)
		if base == "" {
			base = `C:\ProgramData`
		}
		base += `\hpdiag\`
		def = Dirs{ConfigDir: base + "etc", BinDir: base + "bin", LogDir: base + "log"}
	}
	return Dirs{
		ConfigDir: first(flagConfigDir, getenv("PYPROBE_CONFIG_DIR"), def.ConfigDir),
		BinDir:    first(flagBinDir, getenv("PYPROBE_BIN_DIR"), def.BinDir),
		LogDir:    def.LogDir,
	}
}

// first returns the first non-empty string.
func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Resolve finds a configuration or points file named on the command line.
// An absolute name is used as is. A relative name is taken relative to the
// current directory if a file exists there, and otherwise relative to
// ConfigDir, where the guide's hpdiag_instrument.py looks for it. Whether the
// result exists is for the caller to check.
func (d Dirs) Resolve(name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	if _, err := os.Stat(name); err == nil {
		return name
	}
	return filepath.Join(d.ConfigDir, name)
}

// ExpandProbeID replaces each %0 in probe_id with instance, a number that
// tells apart the probes running on one host; hpdiag-trace passes the id of
// its own process, so that every run reports under its own name.
func ExpandProbeID(id string, instance int) string {
	return strings.ReplaceAll(id, "%0", strconv.Itoa(instance))
}
