// Command hpdiag-trace traces CPython applications: which server requests they
// served, how long each took, the call tree of the methods named in a points
// file, the SQL they ran and the services they called.
//
//	hpdiag-trace [flags] -- python app.py args   launch and trace
//	hpdiag-trace check [flags]                   validate probe.conf and points
//	hpdiag-trace map-uri [flags] URI...          try uri_replace_pattern
//	hpdiag-trace setup [flags]                   install hpdiag into a Python, create the home
//	hpdiag-trace encode-password                 a salted hash for [Probe] password
//	hpdiag-trace version
//
// See docs/cli.md for every flag and the exit codes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == gateArg {
		os.Exit(runGateStub(os.Args[2:]))
	}
	if len(os.Args) > 1 && os.Args[1] == guardArg {
		os.Exit(runResumeGuard(os.Args[2:]))
	}
	env := &environment{
		stdout: os.Stdout,
		stderr: os.Stderr,
		stdin:  os.Stdin,
		getenv: os.Getenv,
		goos:   runtime.GOOS,
	}
	os.Exit(run(context.Background(), os.Args[1:], env))
}

// environment is what a run of the command may touch, passed explicitly so
// tests can run the CLI in-process.
type environment struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	getenv         func(string) string
	goos           string
}

func (e *environment) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "hpdiag-trace: "+format+"\n", args...)
}

func run(ctx context.Context, args []string, env *environment) int {
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return runCheck(args[1:], env)
		case "map-uri":
			return runMapURI(args[1:], env)
		case "setup":
			return runSetup(args[1:], env)
		case "encode-password":
			return runEncodePassword(args[1:], env)
		case "collect":
			return runCollect(ctx, args[1:], env)
		case "version", "--version":
			fmt.Fprintf(env.stdout, "hpdiag-trace %s %s/%s\n", version, runtime.GOOS, runtime.GOARCH)
			return exitOK
		}
	}
	return runTrace(ctx, args, env)
}
