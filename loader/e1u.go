package loader

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/hpdiag/hpdiag-trace/bpf"
)

// USDT probe names engine E1u attaches to.
const (
	usdtProvider = "python"
	usdtEntry    = "function__entry"
	usdtReturn   = "function__return"
)

// usdtPair is an interpreter's python:function__entry and function__return.
type usdtPair struct {
	entry, ret USDTProbe
}

// findUSDT checks that E1u can trace interp: the probes are there and fire.
// The errors name the interpreter, why, and the way out.
func findUSDT(interp *Interpreter) (*usdtPair, error) {
	v := interp.Version
	switch {
	case v.Major == 3 && v.Minor == 11:
		return nil, fmt.Errorf("%s: --ebpf-probes usdt: CPython 3.11 never fires python:function__entry (CPython issue gh-98894), so calls cannot be timed; use --ebpf-probes auto", interp)
	case v.Major == 3 && v.Minor >= 12 && v.Minor <= 14:
		return nil, fmt.Errorf("%s: --ebpf-probes usdt: CPython %d.%d has no function__entry/return probes (removed with PEP 669, back in 3.15); use --ebpf-probes auto", interp, v.Major, v.Minor)
	}
	probes, err := interp.USDT()
	if err != nil {
		return nil, fmt.Errorf("%s: --ebpf-probes usdt: reading its USDT notes: %w", interp, err)
	}
	var p usdtPair
	found := 0
	for _, pr := range probes {
		if pr.Provider != usdtProvider || pr.Err != nil {
			continue
		}
		switch pr.Name {
		case usdtEntry:
			p.entry, found = pr, found|1
		case usdtReturn:
			p.ret, found = pr, found|2
		}
	}
	if found != 3 {
		return nil, fmt.Errorf("%s: --ebpf-probes usdt: the interpreter has no python:function__entry and function__return probes (it was built without --with-dtrace); use --ebpf-probes auto", interp)
	}
	if len(p.entry.Args) < 3 || len(p.ret.Args) < 3 {
		return nil, fmt.Errorf("%s: --ebpf-probes usdt: python:function__entry/return take (filename, funcname, lineno), found %q and %q", interp, p.entry.ArgsSpec, p.ret.ArgsSpec)
	}
	return &p, nil
}

// usdtCall describes the three arguments of a probe to the BPF program.
func usdtCall(p USDTProbe) (bpf.E1UsdtCall, error) {
	var c bpf.E1UsdtCall
	for i, dst := range []*bpf.E1UsdtArg{&c.File, &c.Func, &c.Line} {
		a, err := usdtArg(p.Args[i])
		if err != nil {
			return c, fmt.Errorf("%s argument %d (%s): %w", p, i, p.Args[i].Spec, err)
		}
		*dst = a
	}
	return c, nil
}

func usdtArg(a USDTArg) (bpf.E1UsdtArg, error) {
	out := bpf.E1UsdtArg{Size: uint8(a.Size), RegOff: uint16(a.PtRegsOffset)}
	if a.Signed {
		out.IsSigned = 1
	}
	if a.HighByte || a.IndexReg != "" {
		return out, fmt.Errorf("high-byte and indexed operands are not supported")
	}
	switch a.Kind {
	case USDTRegister:
		out.Kind = 1
	case USDTRegisterDeref:
		out.Kind, out.Offset = 2, a.Offset
	case USDTConstant:
		out.Kind, out.Offset = 3, a.Value
	case USDTRIPRelative:
		if a.SymbolValue == 0 {
			return out, fmt.Errorf("rip-relative operand without its symbol")
		}
		out.Kind, out.Offset = 4, int64(a.SymbolValue)+a.Offset
	default:
		return out, fmt.Errorf("unknown operand kind %v", a.Kind)
	}
	return out, nil
}

// withUSDT makes t an E1u target.
func (t *target) withUSDT(p *usdtPair) error {
	entry, err := usdtCall(p.entry)
	if err != nil {
		return err
	}
	ret, err := usdtCall(p.ret)
	if err != nil {
		return err
	}
	t.usdt = p
	t.proc.UsdtEntry, t.proc.UsdtReturn = entry, ret
	t.proc.UsdtEntryPc = p.entry.PC
	t.proc.L.Flags &^= layoutHook // the probes fire in the evaluator, inlined or not
	return nil
}

// usdtProbes attaches the USDT programs, with their semaphores so the
// interpreter fires them.
func (e *E1) usdtProbes(t *target, pid int) (link.Link, link.Link, error) {
	ex, err := link.OpenExecutable(t.interp.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("eBPF engine: opening %s: %w", t.interp.InProcessPath, err)
	}
	attach := func(p USDTProbe, prog *ebpf.Program) (link.Link, error) {
		opts := &link.UprobeOptions{Address: p.PCOffset, RefCtrOffset: p.SemaphoreOffset, PID: pid}
		l, err := ex.Uprobe("", prog, opts)
		if err != nil {
			return nil, fmt.Errorf("eBPF engine: USDT %s in %s: %w%s", p, t.interp.InProcessPath, err, privilegeHint(err))
		}
		return l, nil
	}
	entry, err := attach(t.usdt.entry, e.objs.UsdtEntry)
	if err != nil {
		return nil, nil, err
	}
	ret, err := attach(t.usdt.ret, e.objs.UsdtReturn)
	if err != nil {
		entry.Close()
		return nil, nil, err
	}
	return entry, ret, nil
}

// newTarget is newTarget for the session's engine: E1, or E1u.
func (s *Session) newTarget(interp *Interpreter) (*target, error) {
	t, err := newTarget(interp)
	if err != nil || !s.e1.opts.USDT {
		return t, err
	}
	p, err := findUSDT(interp)
	if err != nil {
		return nil, err
	}
	return t, t.withUSDT(p)
}
