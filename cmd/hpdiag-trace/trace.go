package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/outputs"
	"github.com/hpdiag/hpdiag-trace/pipeline"
	htmlreport "github.com/hpdiag/hpdiag-trace/report"
	"github.com/hpdiag/hpdiag-trace/shim"
)

const traceSynopsis = `hpdiag-trace [flags] -- COMMAND [ARGS...]
       hpdiag-trace [flags] SCRIPT.py [ARGS...]
       hpdiag-trace check [flags]
       hpdiag-trace map-uri [flags] URI...
       hpdiag-trace setup [--python PATH] [--home DIR] [--update | --remove] [--yes]
       hpdiag-trace encode-password [PASSWORD]`

// traceFlags are the flags of a tracing run.
type traceFlags struct {
	configFlags
	single   bool
	mode     string
	report   string
	pid      int
	duration time.Duration
	noFollow bool
	probes   string
	// noRequests turns engine E0 (the request layer) off.
	noRequests bool
	quiet      bool
	verbose    bool
	exitWait   time.Duration
	live       time.Duration
}

func (t *traceFlags) register(fs *flag.FlagSet) {
	t.configFlags.register(fs)
	for _, name := range []string{"s", "single"} {
		fs.BoolVar(&t.single, name, false, "run SCRIPT as a module named by its file stem and call its main()")
	}
	fs.StringVar(&t.mode, "mode", "auto", "`engine`: shim, ebpf or auto")
	fs.StringVar(&t.report, "report", "", "write the report to `FILE` when tracing ends; the format follows the extension (.json or .html)")
	fs.IntVar(&t.pid, "pid", 0, "attach to the running process `PID` and its children (eBPF engine), until --duration ends or SIGINT/SIGTERM")
	fs.DurationVar(&t.duration, "duration", 0, "with --pid: detach after this `duration` (such as 30s); 0 means until SIGINT or SIGTERM")
	fs.StringVar(&t.probes, "ebpf-probes", "auto", "eBPF engine: how calls are seen: `kind` session (Linux 6.13+: only matched calls pay for their return), pair (uprobe and uretprobe), usdt (the interpreter's python:function__entry/return probes, engine E1u) or auto (session where the kernel has it)")
	fs.BoolVar(&t.noFollow, "no-follow-forks", false, "eBPF engine: probe only the traced processes themselves, not every process running the same interpreter file; forked children are then not traced")
	fs.BoolVar(&t.noRequests, "no-requests", false, "eBPF engine: leave out the request layer (E0: HTTP requests, outbound calls and SQL seen at the system calls and native libraries); with it, -p is optional")
	for _, name := range []string{"q", "quiet"} {
		fs.BoolVar(&t.quiet, name, false, "no summary on stderr when tracing ends")
	}
	fs.BoolVar(&t.verbose, "v", false, "log what the tracer does")
	fs.DurationVar(&t.live, "live", 10*time.Second, "during long runs, show progress every `interval` on stderr: a table redrawn in place on a terminal, plain lines otherwise; 0 shows none")
	fs.DurationVar(&t.exitWait, "exit-wait", 5*time.Second, "how long to wait for the app's last events after it exited (a `duration` such as 5s)")
}

// runTrace launches COMMAND under the tracer, waits for it and writes the
// report. Its exit code is the application's.
func runTrace(ctx context.Context, args []string, env *environment) int {
	var tf traceFlags
	fs := flag.NewFlagSet("hpdiag-trace", flag.ContinueOnError)
	tf.register(fs)
	fs.Usage = usage(fs, traceSynopsis)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	survivePipes()
	if code, ok := checkTraceRequest(&tf, fs.Args(), env); !ok {
		return code
	}
	level := logrus.WarnLevel
	if tf.verbose {
		level = logrus.DebugLevel
	}
	log := newLogger(env.stderr, level)
	setup, err := loadSetup(tf.configFlags, env, log, !requestsOnly(&tf))
	if err != nil {
		env.errorf("%s", err)
		return exitUsage
	}
	if tf.mode == "ebpf" || tf.pid != 0 {
		if err := customCodeNeedsShim(setup.points); err != nil {
			env.errorf("%s", err)
			return exitNoTrace
		}
	}
	reportFile, origin := tf.report, "--report"
	if reportFile == "" {
		reportFile, origin = setup.config.Probe.ReportFile, setup.config.File+": [Probe] report_file"
	}
	if err := checkReportFile(reportFile); err != nil {
		env.errorf("%s: %s", origin, err)
		return exitUsage
	}
	if tf.pid != 0 {
		return attachEBPF(ctx, &tf, setup, reportFile, env, log)
	}
	argv := command(fs.Args())
	if tf.single {
		if argv, err = singleCommand(argv); err != nil {
			env.errorf("%s", err)
			return exitUsage
		}
	}
	if chooseEngine(&tf, setup, env, log) == "ebpf" {
		return traceWithEBPF(ctx, &tf, setup, argv, reportFile, env, log)
	}
	return traceWithShim(ctx, &tf, setup, argv, reportFile, env, log)
}

// chooseEngine settles --mode auto: the eBPF engine when it can run here
// and no point needs code run inside the process, else the shim, saying why.
func chooseEngine(tf *traceFlags, setup *setup, env *environment, log logrus.FieldLogger) string {
	if tf.mode != "auto" {
		return tf.mode
	}
	if err := ebpfAvailable(); err != nil {
		env.errorf("--mode auto: using the shim engine: %s", err)
		return "shim"
	}
	for _, p := range setup.points {
		if p.Detail.BeforeCode != "" || p.Detail.AfterCode != "" {
			log.Infof("--mode auto: using the shim engine: point [%s] names custom code, which runs only in the shim", p.Name)
			return "shim"
		}
	}
	return "ebpf"
}

// customCodeNeedsShim refuses points with custom code for the eBPF
// engine: custom code is Python and runs inside the process, in the shim.
func customCodeNeedsShim(points []*conf.Point) error {
	for _, p := range points {
		d := p.Detail
		if d.BeforeCode == "" && d.AfterCode == "" {
			continue
		}
		code := "before:code:" + d.BeforeCode
		if d.BeforeCode == "" {
			code = "after:code:" + d.AfterCode
		}
		return fmt.Errorf("%s:%d: point [%s] names custom code (%s), which runs inside the Python process and so needs the shim engine; use --mode shim (or auto), or remove the custom code from the point", p.File, p.Line, p.Name, code)
	}
	return nil
}

// checkTraceRequest refuses what this version cannot do before anything starts.
func checkTraceRequest(tf *traceFlags, cmd []string, env *environment) (int, bool) {
	switch tf.mode {
	case "shim", "auto":
	case "ebpf":
		if err := ebpfAvailable(); err != nil {
			env.errorf("--mode ebpf: %s", err)
			return exitNoTrace, false
		}
	default:
		env.errorf("--mode %q: unknown engine; use shim, ebpf or auto", tf.mode)
		return exitUsage, false
	}
	if tf.pid != 0 {
		if tf.mode == "shim" {
			env.errorf("--pid %d: attaching to a running process needs the eBPF engine; use --mode ebpf or auto, or launch the app under hpdiag-trace --mode shim", tf.pid)
			return exitUsage, false
		}
		if len(cmd) > 0 {
			env.errorf("--pid %d: give either --pid or a command to launch, not both", tf.pid)
			return exitUsage, false
		}
		if err := ebpfAvailable(); err != nil {
			env.errorf("--pid %d: %s", tf.pid, err)
			return exitNoTrace, false
		}
		if tf.point == "" && tf.noRequests {
			env.errorf("no points file and --no-requests: nothing to trace; give -p FILE naming the methods to measure (see docs/configuration.md)")
			return exitUsage, false
		}
		return exitOK, true
	}
	switch tf.probes {
	case "auto", "session", "pair", "usdt":
	default:
		env.errorf("--ebpf-probes %q: unknown; use session, pair, usdt or auto", tf.probes)
		return exitUsage, false
	}
	if tf.duration != 0 {
		env.errorf("--duration %s: only with --pid; a launched app is traced until it exits", tf.duration)
		return exitUsage, false
	}
	if tf.live < 0 {
		env.errorf("--live %s: must not be negative (0 turns the progress display off)", tf.live)
		return exitUsage, false
	}
	if tf.exitWait < 0 {
		env.errorf("--exit-wait %s: must not be negative", tf.exitWait)
		return exitUsage, false
	}
	if len(cmd) == 0 {
		env.errorf("nothing to trace: give the command after --, e.g. hpdiag-trace -p app.point -- python3 app.py")
		return exitUsage, false
	}
	if tf.point == "" && !requestsOnly(tf) {
		env.errorf("no points file: give -p FILE naming the methods to measure (see docs/configuration.md), or --mode ebpf to trace the requests only")
		return exitUsage, false
	}
	return exitOK, true
}

// requestsOnly tells whether a run without points is allowed: the eBPF
// engine with its request layer (E0) traces requests, SQL and outbound
// calls without any point.
func requestsOnly(tf *traceFlags) bool {
	return tf.point == "" && !tf.noRequests && (tf.mode == "ebpf" || tf.pid != 0)
}

// pathIgnoringFlag returns the interpreter option of a python command line
// that keeps the shim out (-E, -I, -S, alone or combined), or "".
func pathIgnoringFlag(argv []string) string {
	if len(argv) == 0 || !strings.HasPrefix(filepath.Base(argv[0]), "python") {
		return ""
	}
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if a == "-" || !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			return ""
		}
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'E', 'I', 'S':
				return "-" + string(a[j])
			case 'c', 'm':
				return "" // what follows belongs to the program
			case 'W', 'X':
				if j == len(a)-1 {
					i++ // the value is the next argument
				}
				j = len(a)
			}
		}
	}
	return ""
}

// command returns the command line to run. A bare script, as the guide's
// hpdiag_instrument.py takes it, runs with python3 from PATH.
func command(args []string) []string {
	if strings.HasSuffix(args[0], ".py") {
		if _, err := os.Stat(args[0]); err == nil {
			return append([]string{"python3"}, args...)
		}
	}
	return args
}

// checkReportFile accepts a report file this version can write, before the
// app runs: finding out afterwards would lose the run.
func checkReportFile(name string) error {
	if name == "" {
		return nil
	}
	if err := checkReportFormat(name); err != nil {
		return err
	}
	f, err := os.OpenFile(name+".tmp", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("report file %s: cannot write there: %v; name a file in a writable directory", name, err)
	}
	f.Close()
	return os.Remove(name + ".tmp")
}

func traceWithShim(ctx context.Context, tf *traceFlags, setup *setup, argv []string, reportFile string, env *environment, log *logrus.Logger) int {
	if flag := pathIgnoringFlag(argv); flag != "" {
		env.errorf("python %s ignores PYTHONPATH, so the shim cannot load and nothing would be traced; run without %s, or use --mode ebpf", flag, flag)
		return exitNoTrace
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run, err := startRun(ctx, setup, env, log, "shim")
	if err != nil {
		env.errorf("%s", err)
		return exitUsage
	}
	srv, err := startShimEngine(ctx, setup, log, "", run.pipe)
	if err != nil {
		run.finish()
		env.errorf("cannot start the shim engine: %s", err)
		return exitInternal
	}
	defer srv.Close()
	stopLive := startLive(ctx, tf, env, run.outs)
	code, err := launch(argv, srv.Env(os.Environ()), nil)
	if err != nil {
		stopLive()
		run.finish()
		env.errorf("%s", err)
		return code
	}
	stats := srv.Wait(tf.exitWait)
	stopLive()
	report := run.finish()
	if refused(stats, env) {
		return exitNoTrace
	}
	explainShimStats(stats, env, log)
	if c := finishReport(report, reportFile, tf, env); c != exitOK {
		return c
	}
	return code
}

// finishReport writes the report file, then the console summary: a closed
// stderr must not cost the report.
func finishReport(report *pipeline.Report, reportFile string, tf *traceFlags, env *environment) int {
	var writeErr error
	if reportFile != "" {
		writeErr = writeReportFile(report, reportFile)
	}
	if !tf.quiet {
		_ = report.WriteConsole(env.stderr)
		if reportFile != "" && writeErr == nil {
			fmt.Fprintf(env.stderr, "report: %s\n", reportFile)
		}
	}
	if writeErr != nil {
		env.errorf("%s", writeErr)
		return exitInternal
	}
	return exitOK
}

// probeID is the report's probe id: [Probe] probe_id, %0 expanded.
func probeID(setup *setup) string {
	return conf.ExpandProbeID(setup.config.Probe.ProbeID, os.Getpid())
}

// startLive shows the run's progress on stderr during long runs (--live),
// unless --quiet.
func startLive(ctx context.Context, tf *traceFlags, env *environment, outs *outputs.Outputs) func() {
	if tf.quiet || tf.live <= 0 {
		return func() {}
	}
	f, ok := env.stderr.(*os.File)
	return outputs.Live(ctx, env.stderr, ok && outputs.IsTerminal(f), tf.live, outs.Snapshot)
}

// refused says why interpreters were refused. A refused interpreter never
// ran the app, so the run fails.
func refused(stats shim.Stats, env *environment) bool {
	for _, r := range stats.Refused {
		env.errorf("pid %d: %s", r.PID, r.Reason)
	}
	return len(stats.Refused) > 0
}

// explainShimStats says what could not be traced; the report still counts
// what did arrive.
func explainShimStats(stats shim.Stats, env *environment, log logrus.FieldLogger) {
	if !stats.Connected {
		env.errorf("nothing was traced: the command started no Python interpreter that loaded the shim (not Python, or run with -E, -I or -S, which ignore PYTHONPATH)")
	}
	for _, l := range stats.LostAtExit {
		log.Warnf("pid %d: %s", l.PID, l.Reason)
	}
	for _, f := range stats.Failures {
		log.Warnf("pid %d: the shim stopped tracing after an internal error: %s", f.PID, f.Message)
		log.Debug(f.Traceback)
	}
	if len(stats.Running) > 0 {
		log.Warnf("pids %v still run after the app exited: the report holds their events up to now", stats.Running)
	}
}

// checkReportFormat accepts the report formats this version writes.
func checkReportFormat(name string) error {
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case name == "", ext == ".json", ext == ".html", ext == ".htm":
		return nil
	default:
		return fmt.Errorf("report file %s: unsupported format %q; use a .json or .html file name", name, ext)
	}
}

func writeReportFile(report *pipeline.Report, name string) error {
	tmp := name + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	write := report.WriteJSON
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".html" || ext == ".htm" {
		write = func(w io.Writer) error { return htmlreport.WriteHTML(w, report) }
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing the report %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing the report %s: %w", name, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("writing the report %s: %w", name, err)
	}
	return nil
}
