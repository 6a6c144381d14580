//go:build !linux

package main

import (
	"context"
	"errors"

	"github.com/sirupsen/logrus"
)

// errNoEBPF is why the eBPF engine is not available off Linux.
var errNoEBPF = errors.New("the eBPF engine needs Linux; use --mode shim")

func ebpfAvailable() error { return errNoEBPF }

func traceWithEBPF(ctx context.Context, tf *traceFlags, setup *setup, argv []string, reportFile string, env *environment, log *logrus.Logger) int {
	env.errorf("--mode ebpf: %s", errNoEBPF)
	return exitNoTrace
}

func attachEBPF(ctx context.Context, tf *traceFlags, setup *setup, reportFile string, env *environment, log *logrus.Logger) int {
	env.errorf("--pid %d: %s", tf.pid, errNoEBPF)
	return exitNoTrace
}
