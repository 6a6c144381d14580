package main

import (
	"flag"
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// runMapURI prints the server request name each URI maps to, one per line,
// with uri_replace_pattern and uri_pathsegments from probe.conf or the flags.
func runMapURI(args []string, env *environment) int {
	var (
		cf       configFlags
		pattern  string
		segments int
	)
	fs := flag.NewFlagSet("hpdiag-trace map-uri", flag.ContinueOnError)
	cf.register(fs)
	fs.StringVar(&pattern, "pattern", "", "uri_replace_pattern `LIST` to use instead of probe.conf's")
	fs.IntVar(&segments, "segments", 0, "uri_pathsegments `N` to use instead of probe.conf's (0 or -1: no trimming)")
	fs.Usage = usage(fs, "hpdiag-trace map-uri [--config FILE] [--pattern LIST] [--segments N] URI...")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() == 0 {
		env.errorf("map-uri: give one or more URIs to map, e.g. hpdiag-trace map-uri --pattern 's#;.*$##' '/a;jsessionid=1'")
		return exitUsage
	}
	log := newLogger(env.stderr, logrus.WarnLevel)
	cf.point = ""
	s, err := loadSetup(cf, env, log, false)
	if err != nil {
		env.errorf("%s", err)
		return exitUsage
	}
	ops, pathSegments := s.config.Probe.URIReplacePattern, s.config.Probe.URIPathSegments
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if given["pattern"] {
		ops, err = conf.ParseURIReplacePattern(pattern, func(w *conf.Error) { log.Warn(w.Error()) })
		if err != nil {
			env.errorf("--pattern: %s", err)
			return exitUsage
		}
	}
	if given["segments"] {
		pathSegments = segments
	}
	mapper := pipeline.NewURIMapper(ops, pathSegments)
	for _, uri := range fs.Args() {
		fmt.Fprintln(env.stdout, mapper.Map(uri))
	}
	return exitOK
}
