package loader

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ProcessArgv returns the command line of a process (/proc/PID/cmdline). A
// process that rewrote its argv (setproctitle) may give one string.
func ProcessArgv(pid int) ([]string, error) {
	name := fmt.Sprintf("/proc/%d/cmdline", pid)
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w%s", name, err, pidHint(pid, err))
	}
	b = bytes.TrimSuffix(b, []byte{0})
	if len(b) == 0 {
		return nil, fmt.Errorf("%s is empty: process %d is a kernel thread or a zombie", name, pid)
	}
	return strings.Split(string(b), "\x00"), nil
}

// ProcessExe returns the executable of a process (the /proc/PID/exe link), as
// the process's mount namespace names it; " (deleted)" is kept when the file
// was replaced.
func ProcessExe(pid int) (string, error) {
	name := fmt.Sprintf("/proc/%d/exe", pid)
	p, err := os.Readlink(name)
	if err != nil {
		return "", fmt.Errorf("read %s: %w%s", name, err, pidHint(pid, err))
	}
	return p, nil
}

// ProcStat holds the fields of /proc/PID/stat the tracer uses.
type ProcStat struct {
	PID       int    // field 1
	Comm      string // the command name, without the parentheses
	State     byte   // R, S, D, Z, T, ...
	PPID      int    // field 4: the parent
	StartTime uint64 // field 22: start time after boot, in clock ticks
}

// ReadProcStat reads /proc/PID/stat.
func ReadProcStat(pid int) (ProcStat, error) {
	name := fmt.Sprintf("/proc/%d/stat", pid)
	b, err := os.ReadFile(name)
	if err != nil {
		return ProcStat{}, fmt.Errorf("read %s: %w%s", name, err, pidHint(pid, err))
	}
	st, err := ParseProcStat(string(b))
	if err != nil {
		return ProcStat{}, fmt.Errorf("%s: %w", name, err)
	}
	return st, nil
}

// ParseProcStat parses the text of /proc/PID/stat. The command name may
// contain blanks and parentheses: it ends at the last ')'.
func ParseProcStat(s string) (ProcStat, error) {
	var st ProcStat
	open := strings.IndexByte(s, '(')
	closeP := strings.LastIndexByte(s, ')')
	if open < 0 || closeP < open {
		return st, fmt.Errorf("no (comm) in %q", s)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
	if err != nil {
		return st, fmt.Errorf("pid field: %w", err)
	}
	st.PID, st.Comm = pid, s[open+1:closeP]
	f := strings.Fields(s[closeP+1:])
	// f[0] is field 3 (state), so field N is f[N-3].
	if len(f) < 20 {
		return st, fmt.Errorf("want at least 22 fields, got %d", len(f)+2)
	}
	st.State = f[0][0]
	if st.PPID, err = strconv.Atoi(f[1]); err != nil {
		return st, fmt.Errorf("ppid field: %w", err)
	}
	if st.StartTime, err = strconv.ParseUint(f[19], 10, 64); err != nil {
		return st, fmt.Errorf("starttime field: %w", err)
	}
	return st, nil
}

// ParentPID returns the parent of a process (field 4 of /proc/PID/stat).
func ParentPID(pid int) (int, error) {
	st, err := ReadProcStat(pid)
	return st.PPID, err
}

// ProcessStartTime returns field 22 of /proc/PID/stat, the process's start
// time in clock ticks after boot. The same pid with another start time is
// another process: compare it to detect pid reuse.
func ProcessStartTime(pid int) (uint64, error) {
	st, err := ReadProcStat(pid)
	return st.StartTime, err
}
