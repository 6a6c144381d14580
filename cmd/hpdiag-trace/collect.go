package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"
)

// Environment of the collect command, set by hpdiag.pyprobe.init().
const (
	envCollectToken = "HPDIAG_COLLECT_TOKEN" // the secret the app's shim sends
)

// collectSynopsis: collect is started by pyprobe.init(), not by people.
const collectSynopsis = `hpdiag-trace collect [flags]   (started by hpdiag.pyprobe.init(); see docs/api.md)`

// collectTimeout bounds how long the collector waits for the application
// that started it to connect.
const collectTimeout = 30 * time.Second

// runCollect is the collector of an application that called
// pyprobe.init() without being launched by hpdiag-trace (the guide's
// multiprocess channel): it listens on loopback, prints "listening
// ADDR" on stdout, traces the processes that connect with the token from
// $HPDIAG_COLLECT_TOKEN, and once the last of them said goodbye (shutdown()
// or exit) or went away, writes the report (report_file) and its summary
// to stderr, which pyprobe sends to a log file.
func runCollect(ctx context.Context, args []string, env *environment) int {
	var cf configFlags
	var report string
	var verbose bool
	var exitWait time.Duration
	fs := flag.NewFlagSet("hpdiag-trace collect", flag.ContinueOnError)
	cf.register(fs)
	fs.StringVar(&report, "report", "", "write the report to `FILE` (default [Probe] report_file)")
	fs.BoolVar(&verbose, "v", false, "log what the collector does")
	fs.DurationVar(&exitWait, "exit-wait", 5*time.Second, "how long to wait for the last events (a `duration`)")
	fs.Usage = usage(fs, collectSynopsis)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	token := env.getenv(envCollectToken)
	if token == "" {
		env.errorf("collect: $%s is not set; the collector is started by hpdiag.pyprobe.init(), which sets it", envCollectToken)
		return exitUsage
	}
	level := logrus.InfoLevel
	if verbose {
		level = logrus.DebugLevel
	}
	log := newLogger(env.stderr, level)
	s, err := loadSetup(cf, env, log, false)
	if err != nil {
		env.errorf("%s", err)
		fmt.Fprintln(env.stdout, "failed")
		return exitUsage
	}
	if report == "" {
		report = s.config.Probe.ReportFile
	}
	if err := checkReportFile(report); err != nil {
		env.errorf("report: %s", err)
		fmt.Fprintln(env.stdout, "failed")
		return exitUsage
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run, err := startRun(ctx, s, env, log, "shim")
	if err != nil {
		env.errorf("%s", err)
		fmt.Fprintln(env.stdout, "failed")
		return exitUsage
	}
	srv, err := startShimEngine(ctx, s, log, token, run.pipe)
	if err != nil {
		run.finish()
		env.errorf("cannot start the shim engine: %s", err)
		fmt.Fprintln(env.stdout, "failed")
		return exitInternal
	}
	defer srv.Close()
	fmt.Fprintf(env.stdout, "listening %s\n", srv.Addr())
	if c, ok := env.stdout.(interface{ Close() error }); ok {
		_ = c.Close() // pyprobe reads one line; nothing more goes there
	}
	if !waitCollected(ctx, srv, collectTimeout) {
		env.errorf("collect: no application connected within %s", collectTimeout)
	}
	stats := srv.Wait(exitWait)
	rep := run.finish()
	refused(stats, env)
	var writeErr error
	if report != "" {
		writeErr = writeReportFile(rep, report)
	}
	explainShimStats(stats, env, log)
	_ = rep.WriteConsole(env.stderr)
	if writeErr != nil {
		env.errorf("%s", writeErr)
		return exitInternal
	}
	if report != "" {
		fmt.Fprintf(env.stderr, "report: %s\n", report)
	}
	return exitOK
}

// waitCollected waits until a process connected and every process that did
// has said goodbye or gone; false when none came within timeout.
func waitCollected(ctx context.Context, srv interface{ Traced() (int, int) }, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		traced, open := srv.Traced()
		if traced > 0 && open == 0 {
			return true
		}
		if traced == 0 && time.Now().After(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return traced > 0
		case <-tick.C:
		}
	}
}
