//go:build windows

package main

// gateArg is never given on Windows: launches there are not gated.
const gateArg = "\x00"

func runGateStub([]string) int { return exitInternal }
