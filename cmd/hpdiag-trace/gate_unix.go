//go:build unix

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
)

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
