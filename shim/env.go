package shim

import (
	"os"
	"runtime"
	"strings"
)

// The environment variables the bootstrap reads and then deletes.
const (
	envPrefix     = "HPDIAG_SHIM_"
	envAddr       = envPrefix + "ADDR"       // host:port of the Server
	envToken      = envPrefix + "TOKEN"      // authenticates the connection
	envPythonPath = envPrefix + "PYTHONPATH" // the app's own PYTHONPATH; absent if it had none
	envPYTHONPATH = "PYTHONPATH"
)

// Env returns the environment for the launched application: base with the
// shim's directory first on PYTHONPATH and the variables the bootstrap
// needs. The bootstrap restores PYTHONPATH to its value in base (or unsets
// it) and deletes the HPDIAG_SHIM_ variables, so the application sees base.
func (s *Server) Env(base []string) []string {
	return shimEnv(base, s.dir, s.ln.Addr().String(), s.token, runtime.GOOS == "windows", string(os.PathListSeparator))
}

// shimEnv is Env for a given platform: foldCase for Windows' case-blind
// variable names, sep the PYTHONPATH separator.
func shimEnv(base []string, dir, addr, token string, foldCase bool, sep string) []string {
	same := func(a, b string) bool {
		if foldCase {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	hasPrefix := func(s, prefix string) bool {
		return len(s) >= len(prefix) && same(s[:len(prefix)], prefix)
	}
	out := make([]string, 0, len(base)+4)
	orig, had := "", false
	for _, kv := range base {
		name, value, _ := strings.Cut(kv, "=")
		switch {
		case same(name, envPYTHONPATH):
			orig, had = value, true // the last one wins, as in os/exec
		case hasPrefix(name, envPrefix):
		default:
			out = append(out, kv)
		}
	}
	path := dir
	if orig != "" {
		path = dir + sep + orig
	}
	out = append(out, envPYTHONPATH+"="+path, envAddr+"="+addr, envToken+"="+token)
	if had {
		out = append(out, envPythonPath+"="+orig)
	}
	return out
}
