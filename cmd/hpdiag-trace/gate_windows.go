//go:build windows

package main

// gateArg is never given on Windows: launches there are not gated.
const gateArg = "\x00"

func runGateStub([]string) int { return exitInternal }

// launchGate is unused on Windows: launches there are not gated.
type launchGate struct {
	open    func(pid int) error
	ownStop func(pid int) bool
}

// guardArg is never given on Windows.
const guardArg = "\x01"

func runResumeGuard([]string) int { return exitInternal }
