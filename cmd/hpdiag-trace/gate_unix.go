//go:build unix

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"github.com/hpdiag/hpdiag-trace/loader"
)

// launchGate is how an engine takes part in a launch: open runs once the
// process exists and before it executes the program; ownStop says whether a
// stop of the process is the engine's own (nil: none is).
type launchGate struct {
	open    func(pid int) error
	ownStop func(pid int) bool
}

// gateArg is the first argument that makes hpdiag-trace the stub of a
// gated launch (see launch): it waits on descriptor 3, then executes the
// program named by its next arguments, with its own environment.
const gateArg = "__hpdiag-exec-after-gate"

// gateCommand turns cmd into a gated stub: hpdiag-trace itself, waiting
// on a pipe whose write end it returns.
func gateCommand(cmd *exec.Cmd) (*os.File, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding hpdiag-trace's own executable for a gated launch: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("gated launch: %w", err)
	}
	cmd.Args = append([]string{cmd.Args[0], gateArg, cmd.Path}, cmd.Args...)
	cmd.Path = self
	cmd.ExtraFiles = []*os.File{r}
	return w, nil
}

// openGate runs gate for pid and lets the stub go on: one byte on the pipe
// to execute the program, or a closed pipe without it to give up.
func openGate(pid int, release *os.File, gate func(pid int) error) error {
	if err := gate(pid); err != nil {
		release.Close()
		return err
	}
	if _, err := release.Write([]byte{1}); err != nil {
		return fmt.Errorf("gated launch: releasing pid %d: %w", pid, err)
	}
	return release.Close()
}

// runGateStub is the stub: args are the program's path and its argv. If
// the tracer goes away before opening the gate (killed), the program runs
// untraced rather than not at all; if the tracer gave up, it never runs.
func runGateStub(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "hpdiag-trace: internal: bad gated launch")
		return exitInternal
	}
	tracer := os.Getppid()
	gate := os.NewFile(3, "gate")
	var b [1]byte
	n, err := gate.Read(b[:])
	gate.Close()
	if n == 0 && err == io.EOF {
		if os.Getppid() == tracer {
			return exitNoTrace // the tracer said no: it explains why
		}
	}
	err = syscall.Exec(args[0], args[1:], os.Environ())
	fmt.Fprintf(os.Stderr, "hpdiag-trace: cannot run %q: %v\n", args[1], err)
	return exitNotFound
}

// guardArg makes hpdiag-trace the resume guard of a gated launch: it waits
// for its standard input to close, which happens when the tracer exits for
// any reason, and then continues the application if it is still stopped.
// An engine may stop the application for a moment at start-up (the
// eval_frame hook, docs/engines.md); a tracer killed in that moment must
// not leave it stopped.
const guardArg = "__hpdiag-resume-guard"

// startResumeGuard starts the guard for pid; the returned func ends it.
func startResumeGuard(pid int) func() {
	self, err := os.Executable()
	start, err2 := loader.ProcessStartTime(pid)
	if err != nil || err2 != nil {
		return func() {}
	}
	cmd := exec.Command(self, guardArg, fmt.Sprint(pid), fmt.Sprint(start))
	in, err := cmd.StdinPipe()
	if err != nil || cmd.Start() != nil {
		return func() {}
	}
	return func() {
		in.Close()
		cmd.Wait()
	}
}

// runResumeGuard is the guard: args are the pid and its start time (to
// tell it from a later process with the same pid).
func runResumeGuard(args []string) int {
	if len(args) != 2 {
		return exitInternal
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	var pid int
	var start uint64
	fmt.Sscan(args[0], &pid)
	fmt.Sscan(args[1], &start)
	if st, err := loader.ReadProcStat(pid); err == nil && st.StartTime == start && st.State == 'T' {
		_ = syscall.Kill(pid, syscall.SIGCONT)
	}
	return exitOK
}
