package main

import (
	"flag"
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/outputs"
)

// runCheck validates probe.conf and the points file: a summary and exitOK, or
// the first problem with its file:line and exitUsage.
func runCheck(args []string, env *environment) int {
	var cf configFlags
	fs := flag.NewFlagSet("hpdiag-trace check", flag.ContinueOnError)
	cf.register(fs)
	fs.Usage = usage(fs, "hpdiag-trace check [-d DIR] [-c probe.conf] [-p FILE.point]")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		env.errorf("check takes no arguments, got %q; name the files with -c and -p", fs.Args())
		return exitUsage
	}
	log := newLogger(env.stderr, logrus.WarnLevel)
	s, err := loadSetup(cf, env, log, false)
	if err != nil {
		env.errorf("%s", err)
		return exitUsage
	}
	if err := checkReportFormat(s.config.Probe.ReportFile); err != nil {
		env.errorf("%s: [Probe] report_file: %s", s.config.File, err)
		return exitUsage
	}
	if err := checkCustomCode(s.points, s.customCode); err != nil {
		env.errorf("%s", err)
		return exitUsage
	}
	if err := outputs.Check(s.config, env.getenv); err != nil {
		env.errorf("%s", err)
		return exitUsage
	}
	if s.config.File == "" {
		fmt.Fprintln(env.stdout, "probe.conf: none found, the guide's defaults apply")
	}
	fmt.Fprint(env.stdout, conf.Summarize(s.config, s.points))
	return exitOK
}
