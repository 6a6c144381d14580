//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// forwardedSignals are passed on to the launched application: a signal sent
// to the tracer is meant for the application it runs.
var forwardedSignals = []os.Signal{
	syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGALRM,
}

// survivePipes makes a write to a closed stdout or stderr fail with EPIPE
// instead of killing the tracer, which still has the report to write. Unlike
// an ignored signal, a notified one is not inherited by the launched app.
func survivePipes() {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
}

// launch runs argv with envv and the tracer's own stdin, stdout and stderr,
// and returns the exit code a shell would report for it.
//
// The application gets its own process group, so that signals sent to the
// tracer's group (a terminal's ^C, a supervisor's group kill) reach it exactly
// once, through forwarding; and so that killing the tracer, even with
// SIGKILL, leaves the application running. On a terminal the application's
// group becomes the foreground group, as a shell would do, and stopping it
// with ^Z stops the tracer too.
//
// With a gate, the process starts as a stub of hpdiag-trace that waits for
// the gate to open before it executes argv: the gate gets the pid the
// application will have, so probes can be in place before its first
// instruction. A gate's error stops the stub; the application never runs.
func launch(argv, envv []string, gate *launchGate) (int, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return exitNotFound, fmt.Errorf("cannot run %q: %w", argv[0], err)
	}
	tty := foregroundTTY()
	cmd := &exec.Cmd{
		Path: path, Args: argv, Env: envv,
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	var release *os.File
	if gate != nil {
		if release, err = gateCommand(cmd); err != nil {
			return exitInternal, err
		}
		defer release.Close()
	}
	if tty >= 0 {
		cmd.SysProcAttr.Foreground = true
		cmd.SysProcAttr.Ctty = tty
		signal.Ignore(syscall.SIGTTOU, syscall.SIGTTIN)
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return exitNotFound, fmt.Errorf("cannot run %q: %w", argv[0], err)
	}
	pid := cmd.Process.Pid
	var ownStop func(int) bool
	if gate != nil {
		cmd.ExtraFiles[0].Close()
		stopGuard := startResumeGuard(pid)
		defer stopGuard()
		if err := openGate(pid, release, gate.open); err != nil {
			_, _ = waitExit(pid, -1, nil)
			return exitNoTrace, err
		}
		ownStop = gate.ownStop
	}
	done := make(chan struct{})
	go forward(sigs, done, pid)
	status, err := waitExit(pid, tty, ownStop)
	close(done)
	if tty >= 0 {
		_ = unix.IoctlSetPointerInt(tty, unix.TIOCSPGRP, unix.Getpgrp())
	}
	if err != nil {
		return exitInternal, err
	}
	return exitCode(status), nil
}

// forward passes signals on to pid until done is closed, which happens as
// soon as pid has been reaped: a signal is never sent to a reused pid.
func forward(sigs <-chan os.Signal, done <-chan struct{}, pid int) {
	for {
		select {
		case s := <-sigs:
			select {
			case <-done:
				return
			default:
				_ = syscall.Kill(pid, s.(syscall.Signal))
			}
		case <-done:
			return
		}
	}
}

// waitExit waits until pid has ended. When a terminal stop (^Z) stops it, the
// tracer takes the terminal back and stops itself, so the shell sees the job
// stopped; when the shell continues the tracer, the application continues.
// A SIGSTOP that ownStop says the engine sent itself is let be: the engine
// continues the application.
func waitExit(pid, tty int, ownStop func(int) bool) (syscall.WaitStatus, error) {
	for {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, syscall.WUNTRACED, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return ws, fmt.Errorf("waiting for pid %d: %w", pid, err)
		}
		if !ws.Stopped() {
			return ws, nil
		}
		if ws.StopSignal() == syscall.SIGSTOP && ownStop != nil && ownStop(pid) {
			continue
		}
		if tty >= 0 {
			_ = unix.IoctlSetPointerInt(tty, unix.TIOCSPGRP, unix.Getpgrp())
		}
		_ = syscall.Kill(0, syscall.SIGTSTP)
		// Continued by the shell: hand the terminal back and wake the app.
		if tty >= 0 {
			_ = unix.IoctlSetPointerInt(tty, unix.TIOCSPGRP, pid)
		}
		_ = syscall.Kill(-pid, syscall.SIGCONT)
	}
}

// exitCode is what a shell reports: the exit status, or 128+N for signal N.
func exitCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// foregroundTTY returns stdin's descriptor when it is a terminal whose
// foreground process group is ours, and -1 otherwise.
func foregroundTTY() int {
	const fd = 0
	pgrp, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	if err != nil || pgrp != unix.Getpgrp() {
		return -1
	}
	return fd
}
