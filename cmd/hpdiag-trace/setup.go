package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// setup is the configuration of a run: probe.conf (config.File is "" when
// none was found and the defaults apply) and the points.
type setup struct {
	pointsFile string
	config     *conf.Config
	points     []*conf.Point
	// customCode is the custom_code directory of the configuration
	// directory, where before:code / after:code files are looked up.
	customCode string
}

// loadSetup finds and reads probe.conf and the points file the flags name,
// with the guide's precedence: flag > $PYPROBE_CONFIG_DIR > default directory.
// Warnings (unknown keys) go to log; errors name the file and line.
func loadSetup(cf configFlags, env *environment, log logrus.FieldLogger, wantPoints bool) (*setup, error) {
	if cf.configDir != "" {
		if st, err := os.Stat(cf.configDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("-d %s: not a directory; give the configuration directory that holds probe.conf and the points files", cf.configDir)
		}
	}
	dirs := conf.ResolveDirs(cf.configDir, cf.binDir, env.getenv, env.goos)
	warn := func(w *conf.Error) { log.Warn(w.Error()) }
	s := &setup{config: conf.Defaults(), customCode: filepath.Join(dirs.ConfigDir, "custom_code")}
	name := cf.config
	if name == "" {
		name = "probe.conf"
	}
	path := dirs.Resolve(name)
	switch _, err := os.Stat(path); {
	case err == nil:
		cfg, err := conf.LoadProbeConf(path, warn)
		if err != nil {
			return nil, err
		}
		s.config = cfg
	case cf.config != "" || !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("-c %s: cannot read %s: %v; give an existing probe.conf or leave -c out to use the defaults", name, path, err)
	}
	if cf.point == "" {
		if wantPoints {
			return nil, errors.New("no points file: give -p FILE naming the methods to measure")
		}
		return s, nil
	}
	s.pointsFile = dirs.Resolve(cf.point)
	if _, err := os.Stat(s.pointsFile); err != nil {
		return nil, fmt.Errorf("-p %s: cannot read %s: %v; give the path of a points file (relative to the current directory or the configuration directory %s)", cf.point, s.pointsFile, err, dirs.ConfigDir)
	}
	points, err := conf.LoadPoints(s.pointsFile, warn)
	if err != nil {
		return nil, err
	}
	if len(points) == 0 && wantPoints {
		return nil, fmt.Errorf("%s: no points defined, so nothing would be traced; add a point section (module, method, layer)", s.pointsFile)
	}
	if len(points) == 0 {
		log.Warnf("%s: no points defined: a trace with it would trace nothing", s.pointsFile)
	}
	s.points = points
	return s, nil
}
