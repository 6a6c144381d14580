package pyframes

// A live check: run each installed interpreter, read its memory through
// /proc/PID/mem and walk _PyRuntime → interpreter → thread → frame → code
// with the table; on 3.13+ also check _Py_DebugOffsets. The ELF and maps code
// is a test helper only (the loader package owns the real one).

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sleeper is a started interpreter blocked in time.sleep at module level.
type sleeper struct {
	cmd *exec.Cmd
	mem *os.File
}

func startSleeper(t *testing.T, python string) *sleeper {
	t.Helper()
	cmd := exec.Command(python, "-c", "import sys, time; sys.stdout.write('ready\\n'); sys.stdout.flush(); time.sleep(30)")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", python, err)
	}
	s := &sleeper{cmd: cmd}
	t.Cleanup(func() {
		if s.mem != nil {
			s.mem.Close()
		}
		_ = cmd.Process.Kill() // by pid: the process this test started
		_ = cmd.Wait()
	})
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		if err == nil && line != "ready\n" {
			err = fmt.Errorf("unexpected output %q", line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%s: %v", python, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: not ready after 20s", python)
	}
	// The module frame is now in (or about to enter) time.sleep; either
	// way the current frame is <module>.
	time.Sleep(50 * time.Millisecond)
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", cmd.Process.Pid))
	if err != nil {
		t.Fatalf("open mem: %v", err)
	}
	s.mem = mem
	return s
}

func (s *sleeper) read(addr uint64, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := s.mem.ReadAt(b, int64(addr)); err != nil {
		return nil, fmt.Errorf("read %d bytes at %#x: %w", n, addr, err)
	}
	return b, nil
}

func (s *sleeper) u64(addr uint64) (uint64, error) {
	b, err := s.read(addr, 8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (s *sleeper) cstring(addr uint64) (string, error) {
	b, err := s.read(addr, 64)
	if err != nil {
		return "", err
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b), nil
}

// mapping is one line of /proc/PID/maps.
type mapping struct {
	start, offset uint64
	path          string
}

func readMaps(pid int) ([]mapping, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ms []mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.HasPrefix(fields[5], "/") {
			continue
		}
		rng, _, _ := strings.Cut(fields[0], "-")
		start, err1 := strconv.ParseUint(rng, 16, 64)
		off, err2 := strconv.ParseUint(fields[2], 16, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad maps line %q", sc.Text())
		}
		ms = append(ms, mapping{start, off, fields[5]})
	}
	return ms, sc.Err()
}

// symbolAddr finds a .dynsym symbol in the executable or a libpython mapped
// in the process: its run-time address is the load base (start of the
// mapping at file offset 0 minus the first PT_LOAD's page-aligned vaddr)
// plus its value.
func symbolAddr(pid int, name string) (uint64, error) {
	ms, err := readMaps(pid)
	if err != nil {
		return 0, err
	}
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.path] || (m.path != exe && !strings.Contains(m.path, "libpython")) {
			continue
		}
		seen[m.path] = true
		addr, ok, err := symbolIn(m.path, name)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		for _, m2 := range ms {
			if m2.path == m.path && m2.offset == 0 {
				return m2.start + addr, nil
			}
		}
		return 0, fmt.Errorf("%s: no mapping at file offset 0", m.path)
	}
	return 0, fmt.Errorf("symbol %s not found in the executable or libpython", name)
}

// symbolIn returns the symbol's value relative to the load base.
func symbolIn(path, name string) (uint64, bool, error) {
	f, err := elf.Open(path)
	if err != nil {
		return 0, false, fmt.Errorf("open ELF %s: %w", path, err)
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return 0, false, nil
	}
	for _, s := range syms {
		if s.Name != name {
			continue
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_LOAD {
				return s.Value - p.Vaddr&^(uint64(os.Getpagesize())-1), true, nil
			}
		}
		return 0, false, fmt.Errorf("%s: no PT_LOAD", path)
	}
	return 0, false, nil
}

// readStr reads a str object with the layout.
func readStr(s *sleeper, l *Layout, addr uint64) (string, error) {
	if addr == 0 {
		return "", fmt.Errorf("NULL str")
	}
	typ, err := s.u64(addr + uint64(l.Object.ObType))
	if err != nil {
		return "", err
	}
	tn, err := s.u64(typ + uint64(l.Object.TpName))
	if err != nil {
		return "", err
	}
	if name, err := s.cstring(tn); err != nil || name != "str" {
		return "", fmt.Errorf("object at %#x has type %q, want str (%v)", addr, name, err)
	}
	hdr, err := s.read(addr, l.Unicode.CompactObjectSize)
	if err != nil {
		return "", err
	}
	state := binary.LittleEndian.Uint32(hdr[l.Unicode.State:])
	length := int(binary.LittleEndian.Uint64(hdr[l.Unicode.Length:]))
	off, err := l.StrDataOffset(state)
	if err != nil {
		return "", err
	}
	st := l.StrState(state)
	data, err := s.read(addr+uint64(off), length*max(st.Kind, 1))
	if err != nil {
		return "", err
	}
	return l.DecodeUnicode(state, data, length)
}

func TestLiveWalk(t *testing.T) {
	for _, in := range interpreters(t) {
		t.Run(in.label, func(t *testing.T) {
			l, err := For(in.version)
			if err != nil {
				t.Fatal(err)
			}
			s := startSleeper(t, in.path)
			pid := s.cmd.Process.Pid
			runtime, err := symbolAddr(pid, "_PyRuntime")
			if err != nil {
				t.Fatal(err)
			}
			if l.HasDebugOffsets() {
				mem, err := s.read(runtime+uint64(l.Runtime.DebugOffsets), l.DebugOffsetsPrefix())
				if err != nil {
					t.Fatal(err)
				}
				if err := l.CheckDebugOffsets(mem); err != nil {
					t.Errorf("CheckDebugOffsets: %v", err)
				}
				// A corrupted copy must be reported field by field.
				bad := bytes.Clone(mem)
				binary.LittleEndian.PutUint64(bad[l.Debug.ThreadInterp:], 12345)
				if err := l.CheckDebugOffsets(bad); err == nil || !strings.Contains(err.Error(), "thread_state.interp: table 16, process 12345") {
					t.Errorf("CheckDebugOffsets of a corrupted copy: %v", err)
				}
			}
			if err := walk(t, s, l, runtime); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// walk follows _PyRuntime to the main thread's current frame and checks
// what the table finds there.
func walk(t *testing.T, s *sleeper, l *Layout, runtime uint64) error {
	interp, err := s.u64(runtime + uint64(l.Runtime.InterpretersHead))
	if err != nil || interp == 0 {
		return fmt.Errorf("interpreters.head = %#x: %v", interp, err)
	}
	if next, err := s.u64(interp + uint64(l.Interp.Next)); err != nil || next != 0 {
		return fmt.Errorf("interp->next = %#x (want NULL: one interpreter): %v", next, err)
	}
	evalFrame, err := s.u64(interp + uint64(l.Interp.EvalFrame))
	if err != nil {
		return err
	}
	if evalFrame != 0 {
		def, err := symbolAddr(s.cmd.Process.Pid, "_PyEval_EvalFrameDefault")
		if err != nil {
			return err
		}
		if evalFrame != def {
			return fmt.Errorf("interp->eval_frame = %#x, want NULL or _PyEval_EvalFrameDefault %#x", evalFrame, def)
		}
	}
	tstate, err := s.u64(interp + uint64(l.Interp.ThreadsHead))
	if err != nil || tstate == 0 {
		return fmt.Errorf("interp threads head = %#x: %v", tstate, err)
	}
	if got, err := s.u64(tstate + uint64(l.Thread.Interp)); err != nil || got != interp {
		return fmt.Errorf("tstate->interp = %#x, want interpreters.head %#x: %v", got, interp, err)
	}
	if next, err := s.u64(tstate + uint64(l.Thread.Next)); err != nil || next != 0 {
		return fmt.Errorf("tstate->next = %#x (want NULL: one thread): %v", next, err)
	}
	var frame uint64
	switch {
	case l.Thread.Frame != Absent:
		frame, err = s.u64(tstate + uint64(l.Thread.Frame))
	case l.Thread.CFrame != Absent:
		var cf uint64
		if cf, err = s.u64(tstate + uint64(l.Thread.CFrame)); err == nil {
			frame, err = s.u64(cf + uint64(l.Thread.CFrameCurrentFrame))
		}
	default:
		frame, err = s.u64(tstate + uint64(l.Thread.CurrentFrame))
	}
	if err != nil {
		return err
	}
	// Skip the C-entry marker frames of 3.12+.
	for l.Eval.InterpreterFrame && frame != 0 {
		owner, err := s.read(frame+uint64(l.Frame.Owner), 1)
		if err != nil {
			return err
		}
		if o := int(owner[0]); o != l.Frame.OwnerCStack && o != l.Frame.OwnerInterpreter {
			if o != l.Frame.OwnerThread {
				return fmt.Errorf("module frame owner %d, want FRAME_OWNED_BY_THREAD %d", o, l.Frame.OwnerThread)
			}
			break
		}
		if frame, err = s.u64(frame + uint64(l.Frame.Previous)); err != nil {
			return err
		}
	}
	if frame == 0 {
		return fmt.Errorf("no current frame")
	}
	code, err := s.u64(frame + uint64(l.Frame.Code))
	if err != nil {
		return err
	}
	code &^= l.Frame.CodeTagMask
	typ, err := s.u64(code + uint64(l.Object.ObType))
	if err != nil {
		return err
	}
	tn, _ := s.u64(typ + uint64(l.Object.TpName))
	if name, err := s.cstring(tn); err != nil || name != "code" {
		return fmt.Errorf("frame code field holds a %q, want code (%v)", name, err)
	}
	strField := func(off int) (string, error) {
		p, err := s.u64(code + uint64(off))
		if err != nil {
			return "", err
		}
		return readStr(s, l, p)
	}
	want := map[string]string{"co_name": "<module>", "co_filename": "<string>"}
	offs := map[string]int{"co_name": l.Code.Name, "co_filename": l.Code.Filename}
	if l.Code.Qualname != Absent {
		want["co_qualname"], offs["co_qualname"] = "<module>", l.Code.Qualname
	}
	for f, w := range want {
		got, err := strField(offs[f])
		if err != nil || got != w {
			return fmt.Errorf("%s = %q, want %q: %v", f, got, w, err)
		}
	}
	b, err := s.read(code, max(l.Code.Firstlineno, l.Code.Flags, l.Code.Argcount)+4)
	if err != nil {
		return err
	}
	i32 := func(off int) int32 { return int32(binary.LittleEndian.Uint32(b[off:])) }
	if got := i32(l.Code.Firstlineno); got != 1 {
		return fmt.Errorf("co_firstlineno = %d, want 1", got)
	}
	if got := i32(l.Code.Argcount); got != 0 {
		return fmt.Errorf("co_argcount = %d, want 0", got)
	}
	if got := uint32(i32(l.Code.Flags)); got&(l.Code.FlagNewlocals|l.Code.FlagGenerator) != 0 {
		return fmt.Errorf("module co_flags = %#x: has CO_NEWLOCALS or CO_GENERATOR", got)
	}
	t.Logf("%s: runtime %#x interp %#x tstate %#x frame %#x code %#x eval_frame %#x", l.Version, runtime, interp, tstate, frame, code, evalFrame)
	return nil
}

// functionBytes reads n bytes of a .dynsym function from an ELF file.
func functionBytes(path, name string, n int) ([]byte, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, err
	}
	for _, s := range syms {
		if s.Name != name || elf.ST_TYPE(s.Info) != elf.STT_FUNC {
			continue
		}
		for _, sec := range f.Sections {
			if sec.Type == elf.SHT_PROGBITS && s.Value >= sec.Addr && s.Value+uint64(n) <= sec.Addr+sec.Size {
				b := make([]byte, n)
				_, err := sec.ReadAt(b, int64(s.Value-sec.Addr))
				return b, err
			}
		}
		return nil, fmt.Errorf("%s: %s outside any section", path, name)
	}
	return nil, fmt.Errorf("%s: no function %s", path, name)
}

// libpythonOf returns the file holding the interpreter's code: its
// libpython when it links one, else the executable.
func libpythonOf(t *testing.T, python string) string {
	t.Helper()
	f, err := elf.Open(python)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, _ := f.ImportedLibraries()
	for _, l := range libs {
		if strings.HasPrefix(l, "libpython") {
			p := filepath.Join(filepath.Dir(filepath.Dir(python)), "lib", l)
			if _, err := os.Stat(p); err == nil {
				return p
			}
			t.Fatalf("%s links %s, not found next to it", python, l)
		}
	}
	return python
}

// TestEvalFrameOffsetFromCode checks that decoding the eval_frame getter's
// machine code gives the compiled table's offset (3.9+).
func TestEvalFrameOffsetFromCode(t *testing.T) {
	for _, in := range interpreters(t) {
		if in.version.Minor < 9 {
			continue
		}
		t.Run(in.label, func(t *testing.T) {
			l, _ := For(in.version)
			lib := libpythonOf(t, in.path)
			code, err := functionBytes(lib, EvalFrameGetter, 16)
			if err != nil {
				t.Fatal(err)
			}
			got, err := EvalFrameOffset(code)
			if err != nil || got != l.Interp.EvalFrame {
				t.Errorf("%s: EvalFrameOffset = %d, %v; table %d", lib, got, err, l.Interp.EvalFrame)
			}
		})
	}
	for _, c := range []struct {
		code []byte
		want int
	}{
		{[]byte{0xf3, 0x0f, 0x1e, 0xfa, 0x48, 0x8b, 0x87, 0x18, 0x21, 0, 0}, 0x2118},
		{[]byte{0x48, 0x8b, 0x47, 0x10, 0xc3}, 16},
	} {
		if got, err := EvalFrameOffset(c.code); err != nil || got != c.want {
			t.Errorf("EvalFrameOffset(% x) = %d, %v", c.code, got, err)
		}
	}
	if _, err := EvalFrameOffset([]byte{0x55, 0x48, 0x89, 0xe5}); err == nil {
		t.Error("push rbp accepted")
	}
}
