package loader

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Capability is a Linux capability number (linux/capability.h).
type Capability int

// The capabilities the eBPF engine uses.
const (
	CapSysPtrace Capability = 19 // write the interpreter's memory (/proc/PID/mem)
	CapSysAdmin  Capability = 21 // bpf_probe_write_user; stands in for BPF and PERFMON
	CapPerfmon   Capability = 38 // perf-event uprobes and tracepoints (Linux 5.8+)
	CapBPF       Capability = 39 // load programs, create maps (Linux 5.8+)
)

// String returns the capability's name, e.g. "CAP_BPF".
func (c Capability) String() string {
	switch c {
	case CapSysPtrace:
		return "CAP_SYS_PTRACE"
	case CapSysAdmin:
		return "CAP_SYS_ADMIN"
	case CapPerfmon:
		return "CAP_PERFMON"
	case CapBPF:
		return "CAP_BPF"
	}
	return "CAP_" + strconv.Itoa(int(c))
}

// setcapName is the name setcap(8) knows the capability by.
func (c Capability) setcapName() string { return strings.ToLower(c.String()) }

// BTFPath is where the kernel exposes its BTF.
const BTFPath = "/sys/kernel/btf/vmlinux"

// PrivilegeInputs are what CheckPrivilegesFrom decides from, so that the
// check can be tested with made-up systems.
type PrivilegeInputs struct {
	Status            string // text of /proc/self/status
	CapLastCap        int    // /proc/sys/kernel/cap_last_cap; 0 if unknown
	PerfEventParanoid string // text of /proc/sys/kernel/perf_event_paranoid; "" if unknown
	BTF               bool   // /sys/kernel/btf/vmlinux exists
}

// Privileges is what the tracer may do, from its effective capabilities.
type Privileges struct {
	CapEff            uint64 // the CapEff mask
	UID               int    // effective uid, -1 if unknown
	CapLastCap        int    // highest capability the kernel knows, 0 if unknown
	PerfEventParanoid int    // kernel.perf_event_paranoid, or -100 if unknown
	BTF               bool   // kernel BTF is available
	// Notes are warnings that do not stop the engine (no BTF, paranoid level).
	Notes []string
}

// Has reports whether the capability is effective. CAP_SYS_ADMIN stands in
// for CAP_BPF and CAP_PERFMON, as the kernel allows (bpf_capable,
// perfmon_capable).
func (p *Privileges) Has(c Capability) bool {
	has := func(c Capability) bool { return c >= 0 && c < 64 && p.CapEff&(1<<uint(c)) != 0 }
	if has(c) {
		return true
	}
	return (c == CapBPF || c == CapPerfmon) && has(CapSysAdmin)
}

// Missing returns those of caps that are not effective.
func (p *Privileges) Missing(caps ...Capability) []Capability {
	var out []Capability
	for _, c := range caps {
		if !p.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// Require returns an error naming exactly which of caps are missing, and
// how to get them; nil if all are effective.
func (p *Privileges) Require(caps ...Capability) error {
	miss := p.Missing(caps...)
	if len(miss) == 0 {
		return nil
	}
	names := make([]string, len(miss))
	for i, c := range miss {
		names[i] = c.String()
	}
	old := ""
	set := []string{"cap_bpf", "cap_perfmon", "cap_sys_ptrace"}
	if p.CapLastCap > 0 && p.CapLastCap < int(CapPerfmon) {
		old = fmt.Sprintf(" (this kernel knows capabilities up to %d only, older than CAP_PERFMON and CAP_BPF of Linux 5.8: CAP_SYS_ADMIN gives both)", p.CapLastCap)
		set = []string{"cap_sys_admin", "cap_sys_ptrace"}
	}
	for _, c := range miss {
		if c == CapSysAdmin && !contains(set, "cap_sys_admin") {
			set = append(set, c.setcapName())
		}
	}
	who := "the tracer"
	if p.UID == 0 {
		who = "the tracer (root, but with a reduced capability set: a container or capsh?)"
	}
	return fmt.Errorf("%s lacks %s (CapEff %016x)%s; run as root, grant it (setcap %s+ep %s), or use --mode shim",
		who, strings.Join(names, " and "), p.CapEff, old, strings.Join(set, ","), executableName())
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

func executableName() string {
	if p, err := os.Executable(); err == nil {
		return p
	}
	return "hpdiag-trace"
}

// EngineCapabilities are what the eBPF engine needs in any case.
var EngineCapabilities = []Capability{CapBPF, CapPerfmon}

// CheckPrivileges reads the tracer's own capabilities and checks those the
// eBPF engine needs (CAP_BPF and CAP_PERFMON) plus extra (CapSysPtrace to
// write the interpreter's memory, CapSysAdmin for bpf_probe_write_user).
// The Privileges are returned even with the error.
func CheckPrivileges(extra ...Capability) (*Privileges, error) {
	in := PrivilegeInputs{}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, fmt.Errorf("read /proc/self/status to check capabilities: %w", err)
	}
	in.Status = string(b)
	if b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		in.CapLastCap, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/perf_event_paranoid"); err == nil {
		in.PerfEventParanoid = string(b)
	}
	_, err = os.Stat(BTFPath)
	in.BTF = err == nil
	return CheckPrivilegesFrom(in, extra...)
}

// CheckPrivilegesFrom is CheckPrivileges on given inputs.
func CheckPrivilegesFrom(in PrivilegeInputs, extra ...Capability) (*Privileges, error) {
	p := &Privileges{UID: -1, CapLastCap: in.CapLastCap, PerfEventParanoid: -100, BTF: in.BTF}
	found := false
	for _, line := range strings.Split(in.Status, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "CapEff":
			m, err := strconv.ParseUint(v, 16, 64)
			if err != nil {
				return nil, fmt.Errorf("/proc/self/status: CapEff %q is not a hex mask: %w", v, err)
			}
			p.CapEff, found = m, true
		case "Uid":
			// real, effective, saved, fs
			if f := strings.Fields(v); len(f) >= 2 {
				if u, err := strconv.Atoi(f[1]); err == nil {
					p.UID = u
				}
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("/proc/self/status has no CapEff line: cannot tell the tracer's capabilities")
	}
	if s := strings.TrimSpace(in.PerfEventParanoid); s != "" {
		if v, err := strconv.Atoi(s); err == nil {
			p.PerfEventParanoid = v
		}
	}
	if !p.BTF {
		p.Notes = append(p.Notes, BTFPath+" is missing: the kernel has no BTF; programs compiled with CO-RE relocations against kernel types cannot be loaded")
	}
	if p.PerfEventParanoid > 2 && !p.Has(CapPerfmon) {
		p.Notes = append(p.Notes, fmt.Sprintf("kernel.perf_event_paranoid is %d: without CAP_PERFMON perf events are refused", p.PerfEventParanoid))
	}
	need := append(append([]Capability{}, EngineCapabilities...), extra...)
	return p, p.Require(need...)
}
