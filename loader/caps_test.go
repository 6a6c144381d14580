package loader

import (
	"fmt"
	"strings"
	"testing"
)

func status(uid int, capEff uint64) string {
	return fmt.Sprintf("Name:\thpdiag-trace\nUid:\t%d\t%d\t%d\t%d\nCapInh:\t0000000000000000\nCapPrm:\t%016x\nCapEff:\t%016x\n", uid, uid, uid, uid, capEff, capEff)
}

func caps(cs ...Capability) uint64 {
	var m uint64
	for _, c := range cs {
		m |= 1 << uint(c)
	}
	return m
}

func TestCheckPrivilegesFrom(t *testing.T) {
	const suffix = "; run as root, grant it (setcap "
	for _, tc := range []struct {
		name    string
		in      PrivilegeInputs
		extra   []Capability
		missing string // "" = no error; else the exact missing list in the message
		setcap  string // the setcap list the message must propose
		notes   int
	}{
		{"root full caps (this machine)", PrivilegeInputs{Status: status(0, 0x000001fffeffffff), CapLastCap: 40, PerfEventParanoid: "2\n", BTF: true}, []Capability{CapSysPtrace, CapSysAdmin}, "", "", 0},
		{"bpf+perfmon only", PrivilegeInputs{Status: status(1000, caps(CapBPF, CapPerfmon)), CapLastCap: 40, BTF: true}, nil, "", "", 0},
		{"bpf+perfmon, ptrace wanted", PrivilegeInputs{Status: status(1000, caps(CapBPF, CapPerfmon)), CapLastCap: 40, BTF: true}, []Capability{CapSysPtrace}, "CAP_SYS_PTRACE", "cap_bpf,cap_perfmon,cap_sys_ptrace+ep", 0},
		{"sys_admin stands in for bpf and perfmon", PrivilegeInputs{Status: status(1000, caps(CapSysAdmin)), CapLastCap: 40, BTF: true}, nil, "", "", 0},
		{"nothing", PrivilegeInputs{Status: status(1000, 0), CapLastCap: 40, BTF: true}, nil, "CAP_BPF and CAP_PERFMON", "cap_bpf,cap_perfmon,cap_sys_ptrace+ep", 0},
		{"only perfmon", PrivilegeInputs{Status: status(1000, caps(CapPerfmon)), CapLastCap: 40, BTF: true}, nil, "CAP_BPF", "cap_bpf,cap_perfmon,cap_sys_ptrace+ep", 0},
		{"probe_write_user wants sys_admin", PrivilegeInputs{Status: status(1000, caps(CapBPF, CapPerfmon, CapSysPtrace)), CapLastCap: 40, BTF: true}, []Capability{CapSysAdmin}, "CAP_SYS_ADMIN", "cap_bpf,cap_perfmon,cap_sys_ptrace,cap_sys_admin+ep", 0},
		{"root in a container without bpf", PrivilegeInputs{Status: status(0, 0xa80425fb), CapLastCap: 40, BTF: true}, nil, "CAP_BPF and CAP_PERFMON", "cap_bpf,cap_perfmon,cap_sys_ptrace+ep", 0},
		{"old kernel without CAP_BPF", PrivilegeInputs{Status: status(1000, 0), CapLastCap: 37, BTF: true}, nil, "CAP_BPF and CAP_PERFMON", "cap_sys_admin,cap_sys_ptrace+ep", 0},
		{"no BTF is a note", PrivilegeInputs{Status: status(0, 0x000001ffffffffff), CapLastCap: 40}, nil, "", "", 1},
		{"paranoid 4 irrelevant with perfmon", PrivilegeInputs{Status: status(0, 0x000001ffffffffff), CapLastCap: 40, PerfEventParanoid: "4", BTF: true}, nil, "", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := CheckPrivilegesFrom(tc.in, tc.extra...)
			if p == nil {
				t.Fatalf("no Privileges: %v", err)
			}
			if len(p.Notes) != tc.notes {
				t.Errorf("notes %q, want %d", p.Notes, tc.notes)
			}
			if tc.missing == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error about %s", tc.missing)
			}
			msg := err.Error()
			if !strings.Contains(msg, "lacks "+tc.missing+" (") {
				t.Errorf("error %q does not name exactly %q", msg, tc.missing)
			}
			if !strings.Contains(msg, suffix+tc.setcap) {
				t.Errorf("error %q lacks %q", msg, suffix+tc.setcap)
			}
			if !strings.HasSuffix(msg, "), or use --mode shim") {
				t.Errorf("error %q does not end with the way out", msg)
			}
			if tc.in.CapLastCap < 38 && !strings.Contains(msg, "Linux 5.8") {
				t.Errorf("old kernel not explained: %q", msg)
			}
		})
	}
}

func TestCheckPrivilegesFromBadStatus(t *testing.T) {
	for _, s := range []string{"", "Name:\tx\n", "CapEff:\tzz\n"} {
		if _, err := CheckPrivilegesFrom(PrivilegeInputs{Status: s}); err == nil || !strings.Contains(err.Error(), "CapEff") {
			t.Errorf("status %q: %v", s, err)
		}
	}
}

func TestPrivilegesHas(t *testing.T) {
	p := &Privileges{CapEff: caps(CapSysAdmin)}
	if !p.Has(CapBPF) || !p.Has(CapPerfmon) || p.Has(CapSysPtrace) {
		t.Errorf("CAP_SYS_ADMIN alone: BPF %v PERFMON %v PTRACE %v", p.Has(CapBPF), p.Has(CapPerfmon), p.Has(CapSysPtrace))
	}
	if got := p.Missing(CapBPF, CapSysPtrace); len(got) != 1 || got[0] != CapSysPtrace {
		t.Errorf("Missing = %v", got)
	}
	if CapBPF.String() != "CAP_BPF" || Capability(5).String() != "CAP_5" {
		t.Errorf("String: %s %s", CapBPF, Capability(5))
	}
}

func TestCheckPrivilegesHere(t *testing.T) {
	p, err := CheckPrivileges(CapSysPtrace)
	if p == nil {
		t.Fatal(err)
	}
	t.Logf("CapEff %016x uid %d BTF %v paranoid %d notes %q err %v", p.CapEff, p.UID, p.BTF, p.PerfEventParanoid, p.Notes, err)
	if p.UID == 0 && p.CapEff&caps(CapBPF, CapPerfmon, CapSysPtrace) == caps(CapBPF, CapPerfmon, CapSysPtrace) && err != nil {
		t.Errorf("root with the capabilities refused: %v", err)
	}
}
