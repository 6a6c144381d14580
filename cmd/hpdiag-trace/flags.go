package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// configFlags are the guide's hpdiag_instrument.py flags that locate the
// configuration, shared by the trace and check commands.
type configFlags struct {
	configDir string
	binDir    string
	config    string
	point     string
}

func (c *configFlags) register(fs *flag.FlagSet) {
	for _, name := range []string{"d", "config_dir", "config-dir"} {
		fs.StringVar(&c.configDir, name, "", "configuration `dir`ectory (default $PYPROBE_CONFIG_DIR, else /opt/hpdiag/etc)")
	}
	for _, name := range []string{"b", "bin_dir", "bin-dir"} {
		fs.StringVar(&c.binDir, name, "", "binary `dir`ectory (default $PYPROBE_BIN_DIR, else /opt/hpdiag/bin)")
	}
	for _, name := range []string{"c", "config"} {
		fs.StringVar(&c.config, name, "", "probe configuration `file` (default probe.conf in the configuration directory)")
	}
	for _, name := range []string{"p", "point"} {
		fs.StringVar(&c.point, name, "", "points `file`: the methods to measure")
	}
}

// parseFlags parses args with fs and turns every problem into one line and
// exitUsage. It returns ok=false with the exit code when the run must stop
// (including -h, which exits 0).
func parseFlags(fs *flag.FlagSet, args []string, env *environment) (code int, ok bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(env.stdout)
		fs.Usage()
		return exitOK, false
	}
	if err != nil {
		env.errorf("%s (see %s -h)", err, fs.Name())
		return exitUsage, false
	}
	return exitOK, true
}

// usage prints a command's synopsis and its flags, one flag per line with
// its aliases folded together, short names first.
func usage(fs *flag.FlagSet, synopsis string) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: %s\n\nflags:\n", synopsis)
		aliases := map[string][]string{}
		var order []*flag.Flag
		fs.VisitAll(func(f *flag.Flag) {
			if aliases[f.Usage] == nil {
				order = append(order, f)
			}
			aliases[f.Usage] = append(aliases[f.Usage], f.Name)
		})
		for _, f := range order {
			arg, text := flag.UnquoteUsage(f)
			names := aliases[f.Usage]
			sort.Slice(names, func(i, j int) bool { return len(names[i]) < len(names[j]) })
			for i, n := range names {
				if len(n) == 1 {
					names[i] = "-" + n
				} else {
					names[i] = "--" + n
				}
			}
			if arg != "" {
				names[len(names)-1] += " " + arg
			}
			if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
				text += " (default " + f.DefValue + ")"
			}
			fmt.Fprintf(w, "  %s\n\t%s\n", strings.Join(names, ", "), text)
		}
	}
}
