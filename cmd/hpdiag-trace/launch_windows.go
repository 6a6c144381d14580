//go:build windows

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
)

// survivePipes has nothing to do on Windows: a broken pipe is an error
// there, not a signal.
func survivePipes() {}

// launch runs argv with envv and the tracer's own standard streams and
// returns the application's exit code. On Windows a console ^C reaches every
// process attached to the console, so the tracer only has to outlive the
// application, not forward the event.
func launch(argv, envv []string, gate *launchGate) (int, error) {
	if gate != nil {
		return exitNoTrace, errors.New("the eBPF engine needs Linux; use --mode shim")
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return exitNotFound, fmt.Errorf("cannot run %q: %w", argv[0], err)
	}
	cmd := &exec.Cmd{Path: path, Args: argv, Env: envv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	signal.Ignore(os.Interrupt)
	defer signal.Reset(os.Interrupt)
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return exitNotFound, fmt.Errorf("cannot run %q: %w", argv[0], err)
	}
	return exitOK, nil
}
