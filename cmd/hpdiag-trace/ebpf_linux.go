//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/loader"
	"github.com/hpdiag/hpdiag-trace/logging"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// ebpfAvailable says why the eBPF engine cannot run here, or nil.
func ebpfAvailable() error {
	_, err := loader.CheckPrivileges(loader.CapSysPtrace)
	return err
}

// ebpfRun is one run of the eBPF engine: the programs, the session that
// reads them and the run (pipeline and outputs) it feeds.
type ebpfRun struct {
	e1   *loader.E1
	e0   *loader.E0 // nil with --no-requests
	sess *loader.Session
	run  *tracingRun
	errc chan error
}

func startEBPF(ctx context.Context, tf *traceFlags, setup *setup, env *environment, log *logrus.Logger, mainScript string) (*ebpfRun, error) {
	if _, err := loader.CheckPrivileges(loader.CapSysPtrace); err != nil {
		return nil, err
	}
	e1, err := loader.LoadE1(loader.E1Options{SingleProcess: tf.noFollow, NoSession: tf.probes == "pair", USDT: tf.probes == "usdt"})
	if err != nil {
		return nil, err
	}
	if tf.probes == "session" && e1.Probes() != "uprobe session" {
		e1.Close()
		return nil, fmt.Errorf("--ebpf-probes session: this kernel (%s) has no uprobe sessions (Linux 6.13+); use --ebpf-probes pair or auto", kernelRelease())
	}
	log.Debugf("eBPF engine: calls seen by %s", e1.Probes())
	run, err := startRun(ctx, setup, env, log, "ebpf")
	if err != nil {
		e1.Close()
		return nil, err
	}
	var e0 *loader.E0
	if !tf.noRequests {
		if e0, err = loader.LoadE0(e1); err != nil {
			run.finish()
			e1.Close()
			return nil, err
		}
		log.Debugf("request layer: libraries probed: %s", strings.Join(e0.Libraries, ", "))
	}
	m := matcher.New(setup.points, matcher.Options{MainScript: mainScript})
	sess, err := loader.NewSession(e1, loader.SessionOptions{
		Matcher:  m,
		Sink:     run.pipe,
		Log:      log.WithField(logging.ComponentKey, "hpdiag.ebpf"),
		Requests: e0,
		// Without points E1 only follows the processes for E0.
		NoCalls: len(setup.points) == 0,
	})
	if err != nil {
		if e0 != nil {
			e0.Close()
		}
		e1.Close()
		return nil, err
	}
	if err != nil {
		run.finish()
		e1.Close()
		return nil, err
	}
	r := &ebpfRun{e1: e1, e0: e0, sess: sess, run: run, errc: make(chan error, 1)}
	go func() { r.errc <- sess.Run(ctx) }()
	return r, nil
}

// stop detaches, drains and closes; it returns the final report.
func (r *ebpfRun) stop(log logrus.FieldLogger) (*pipeline.Report, loader.Stats) {
	stats := r.sess.Stop(5 * time.Second)
	if err := <-r.errc; err != nil && !errors.Is(err, context.Canceled) {
		log.Warn(err)
	}
	if r.e0 != nil {
		r.e0.Close()
	}
	r.e1.Close()
	return r.run.finish(), stats
}

// traceWithEBPF launches argv with the probes in place before its first
// instruction and traces it and its children until it exits.
func traceWithEBPF(ctx context.Context, tf *traceFlags, setup *setup, argv []string, reportFile string, env *environment, log *logrus.Logger) int {
	interp, err := loader.FindForCommand(argv[0], os.Environ())
	if err != nil && !errors.Is(err, loader.ErrNotPython) {
		env.errorf("--mode ebpf: %s", err)
		return exitNoTrace
	}
	if interp != nil {
		if code, ok := refuseInterpreter(interp, env); !ok {
			return code
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run, err := startEBPF(ctx, tf, setup, env, log, mainScriptOf(argv, interp))
	if err != nil {
		env.errorf("--mode ebpf: %s", err)
		return exitNoTrace
	}
	stopLive := startLive(ctx, tf, env, run.run.outs)
	code, err := launch(argv, os.Environ(), &launchGate{
		open:    func(pid int) error { return run.sess.Trace(pid, interp) },
		ownStop: run.sess.OwnStop,
	})
	stopLive()
	report, stats := run.stop(log)
	if err != nil {
		env.errorf("%s", err)
		return code
	}
	explainEBPFStats(stats, log)
	if c := finishReport(report, reportFile, tf, env); c != exitOK {
		return c
	}
	return code
}

// attachEBPF traces the running process pid (and the children it forks)
// for --duration, or until SIGINT or SIGTERM, then detaches.
func attachEBPF(ctx context.Context, tf *traceFlags, setup *setup, reportFile string, env *environment, log *logrus.Logger) int {
	interp, err := loader.FindInProcess(tf.pid)
	if err != nil {
		env.errorf("--pid %d: %s", tf.pid, err)
		return exitNoTrace
	}
	if code, ok := refuseInterpreter(interp, env); !ok {
		return code
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run, err := startEBPF(ctx, tf, setup, env, log, "")
	if err != nil {
		env.errorf("--pid %d: %s", tf.pid, err)
		return exitNoTrace
	}
	if err := run.sess.Attach(tf.pid, interp); err != nil {
		run.stop(log)
		env.errorf("--pid %d: %s", tf.pid, err)
		return exitNoTrace
	}
	attachChildren(run.sess, tf.pid, log)
	if !tf.quiet {
		until := "SIGINT or SIGTERM"
		if tf.duration > 0 {
			until = tf.duration.String() + ", SIGINT or SIGTERM"
		}
		fmt.Fprintf(env.stderr, "hpdiag-trace: attached to pid %d (%s); detaching after %s\n", tf.pid, interp, until)
	}
	stopLive := startLive(ctx, tf, env, run.run.outs)
	waitDetach(ctx, tf.pid, tf.duration)
	stopLive()
	report, stats := run.stop(log)
	explainEBPFStats(stats, log)
	return finishReport(report, reportFile, tf, env)
}

// attachChildren also traces the running descendants of pid that run a
// Python interpreter (prefork workers).
func attachChildren(sess *loader.Session, pid int, log logrus.FieldLogger) {
	for _, child := range descendants(pid) {
		interp, err := loader.FindInProcess(child)
		if err != nil {
			continue
		}
		if err := sess.Attach(child, interp); err != nil {
			log.Warnf("pid %d, a child of %d: not traced: %v", child, pid, err)
		}
	}
}

// waitDetach returns after d (0: no limit), on SIGINT or SIGTERM, or when
// the process pid has exited.
func waitDetach(ctx context.Context, pid int, d time.Duration) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var timeout <-chan time.Time
	if d > 0 {
		timeout = time.After(d)
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sigs:
			return
		case <-timeout:
			return
		case <-tick.C:
			if syscall.Kill(pid, 0) == syscall.ESRCH {
				return
			}
		}
	}
}

// refuseInterpreter turns away interpreters the engine cannot trace, with
// their version in the message.
func refuseInterpreter(interp *loader.Interpreter, env *environment) (int, bool) {
	v := interp.Version
	if !v.AtLeast(3, 8) {
		env.errorf("%s: Python %s is not supported by the eBPF engine (supported: 3.8 to 3.14); upgrade the interpreter", interp.InProcessPath, v)
		return exitNoTrace, false
	}
	if interp.FreeThreaded {
		env.errorf("%s: free-threaded Python %s is not supported by the eBPF engine yet; use --mode shim", interp.InProcessPath, v)
		return exitNoTrace, false
	}
	return exitOK, true
}

// explainEBPFStats says what could not be traced.
func explainEBPFStats(stats loader.Stats, log logrus.FieldLogger) {
	if stats.Lost > 0 {
		log.Warnf("%d events were lost because the ring buffer was full (counted in the report's dropped_events)", stats.Lost)
	}
	if stats.TooDeep > 0 {
		log.Warnf("%d calls were not reported: they ran nested more than 64 calls deep in their thread (counting only matched calls with uprobe sessions, every Python call without), and Linux reports at most 64 nested returns per thread (counted in dropped_events)", stats.TooDeep)
	}
	if stats.HeldDropped+stats.Unresolved > 0 {
		log.Warnf("%d calls could not be attributed to a code object (counted in dropped_events)", stats.HeldDropped+stats.Unresolved)
	}
	log.Debugf("eBPF engine: %d processes, %d code objects, %d calls; eval_frame hooks: %d written, %d restored", stats.Processes, stats.Codes, stats.Events, stats.Hooks, stats.HooksRestore)
	log.Debugf("request layer: %d inbound requests, %d outbound calls, %d SQL statements, %d requests linked to a traced caller", stats.Requests, stats.Outbound, stats.Statements, stats.Links)
}

// descendants lists the running descendants of pid.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var p int
		if _, err := fmt.Sscanf(e.Name(), "%d", &p); err != nil {
			continue
		}
		if ppid, err := loader.ParentPID(p); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 && len(out) < 4096 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// mainScriptOf returns the main script of a python command line as its
// code objects name it (absolute from 3.9 on), or "" for -m, -c and stdin.
func mainScriptOf(argv []string, interp *loader.Interpreter) string {
	if interp == nil {
		return ""
	}
	script := interp.Script
	if script == "" {
		script = scriptArg(argv)
	}
	if script == "" {
		return ""
	}
	if interp.Version.AtLeast(3, 9) {
		if abs, err := filepath.Abs(script); err == nil {
			return abs
		}
	}
	return script
}

// scriptArg finds the script among a python command's arguments.
func scriptArg(argv []string) string {
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "-m" || a == "-c" || a == "-" || strings.HasPrefix(a, "-m") || strings.HasPrefix(a, "-c"):
			return ""
		case a == "-W" || a == "-X":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return a
		}
	}
	return ""
}

func kernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}
