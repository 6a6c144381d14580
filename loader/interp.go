package loader

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// EvalFrameSymbol is the function the eBPF engine probes.
const EvalFrameSymbol = "_PyEval_EvalFrameDefault"

// legacyEvalSymbol is the evaluator of CPython before 3.6 (and 2.7); a file
// defining it is Python, but too old for the engine.
const legacyEvalSymbol = "PyEval_EvalFrameEx"

// InterpreterSymbols are the symbols discovery looks up in the interpreter
// file. Only EvalFrameSymbol is required (from 3.6); _PyRuntime exists from
// 3.7, PyCoro_Type from 3.5, Py_Version from 3.11.
var InterpreterSymbols = []string{
	EvalFrameSymbol, "_PyRuntime", "PyCode_Type", "PyUnicode_Type", "PyLong_Type",
	"PyFloat_Type", "PyBool_Type", "_Py_NoneStruct", "_Py_TrueStruct", "_Py_FalseStruct",
	"PyGen_Type", "PyCoro_Type", "Py_Version", "_PyInterpreterState_GetEvalFrameFunc",
	JITSymbol,
}

// JITSymbol is defined by interpreters built with the experimental JIT
// (3.13+ --enable-experimental-jit), whose compiled code runs outside the
// evaluator.
const JITSymbol = "_PyJIT_Compile"

// freeThreadedSymbols are defined only by free-threaded (Py_GIL_DISABLED,
// "3.13t") builds: Objects/object.c compiles them under #ifdef Py_GIL_DISABLED.
var freeThreadedSymbols = []string{"_Py_DecRefShared", "_Py_MergeZeroLocalRefcount"}

// ErrNotPython is returned (wrapped in a *NotPythonError) when a process or
// command is not a CPython interpreter, e.g. /bin/sh or a pyenv shim script;
// the caller may follow the process's children instead.
var ErrNotPython = errors.New("not a CPython interpreter")

// NotPythonError says which file is not Python and why. errors.Is(err,
// ErrNotPython) holds for it.
type NotPythonError struct {
	PID    int    // the process, 0 in launch mode
	Path   string // the file that was examined
	Reason string // what is missing, e.g. "links no libpython"
}

// Error names the process or file and the reason.
func (e *NotPythonError) Error() string {
	who := e.Path
	if e.PID != 0 {
		who = fmt.Sprintf("process %d (%s)", e.PID, e.Path)
	}
	return fmt.Sprintf("%s is not a CPython interpreter: %s", who, e.Reason)
}

// Is makes errors.Is(err, ErrNotPython) true.
func (e *NotPythonError) Is(target error) bool { return target == ErrNotPython }

// Interpreter is a CPython interpreter found in a process or for a command:
// the ELF file that holds the evaluator, its version and symbols.
type Interpreter struct {
	// Path is the ELF file that defines _PyEval_EvalFrameDefault: the
	// executable for a static build (Debian's /usr/bin/python3.11, conda),
	// else libpython3.X.so. It is the path to open from the tracer (give it
	// to link.OpenExecutable): for a process in another mount namespace it is
	// /proc/PID/root/<path>, or /proc/PID/map_files/... when the file was
	// deleted.
	Path string
	// InProcessPath is Path as the process names it (/proc/PID/maps); equal to
	// Path in launch mode. Use it in messages.
	InProcessPath string
	// Executable is the python executable (the process's /proc/PID/exe, or
	// the resolved command), openable from the tracer.
	Executable string
	// Script is the script that named Executable in its #! line, when the
	// command was one (launch mode only).
	Script string
	// Static is true when Path is the executable itself.
	Static bool
	// Version is read from the binary, never from a file name.
	Version Version
	// VersionSource tells how Version was found, for diagnostics.
	VersionSource string
	// FreeThreaded is true for a Py_GIL_DISABLED build (3.13t+), detected by
	// the "t" ABI flag in the file name (libpython3.13t.so, python3.13t) or by
	// the symbols only such builds define (_Py_DecRefShared).
	FreeThreaded bool
	// Symbols holds the InterpreterSymbols the file defines, by name.
	Symbols map[string]Symbol
	// Missing lists the InterpreterSymbols the file does not define.
	Missing []string
	// Segments are the PT_LOAD segments of Path.
	Segments []Segment

	// PID is the process (0 in launch mode).
	PID int
	// StartTime is the process's ProcessStartTime when it was examined: a
	// pid with another start time is another process (pid reuse).
	StartTime uint64
	// Bias is the load bias of Path in the process: runtime address = Bias +
	// symbol value. 0 for a non-PIE executable, and unknown (0) in launch mode.
	Bias uint64
}

// Symbol returns the named symbol, or an error naming the file and version
// when the file does not define it.
func (i *Interpreter) Symbol(name string) (Symbol, error) {
	s, ok := i.Symbols[name]
	if ok {
		return s, nil
	}
	if name == EvalFrameSymbol && !i.Version.AtLeast(3, 6) {
		return Symbol{}, fmt.Errorf("%s (Python %s) has no %s: it appeared in Python 3.6; use Python 3.8 or newer, or --mode shim", i.InProcessPath, i.Version, name)
	}
	return Symbol{}, fmt.Errorf("%s (Python %s) does not define the symbol %s", i.InProcessPath, i.Version, name)
}

// EvalFrame returns _PyEval_EvalFrameDefault, or a clear error when the file
// does not define it (Python before 3.6).
func (i *Interpreter) EvalFrame() (Symbol, error) { return i.Symbol(EvalFrameSymbol) }

// FileOffset converts a link-time virtual address of Path into the file
// offset that holds it (what a uprobe on Path is attached at), through the
// PT_LOAD segments.
func (i *Interpreter) FileOffset(vaddr uint64) (uint64, error) {
	return fileOffset(i.InProcessPath, i.Segments, vaddr)
}

// SymbolOffset returns the file offset of the named symbol (the uprobe
// offset of a function).
func (i *Interpreter) SymbolOffset(name string) (uint64, error) {
	s, err := i.Symbol(name)
	if err != nil {
		return 0, err
	}
	return i.FileOffset(s.Value)
}

// Addr returns the runtime address of the named symbol in the process
// (Bias + st_value). It is an error in launch mode, before the process
// exists.
func (i *Interpreter) Addr(name string) (uint64, error) {
	s, err := i.Symbol(name)
	if err != nil {
		return 0, err
	}
	if i.PID == 0 {
		return 0, fmt.Errorf("%s: no process yet (launch mode): the runtime address of %s is known only once it runs; call FindInProcess(pid) then", i.InProcessPath, name)
	}
	return i.Bias + s.Value, nil
}

// String describes the interpreter in one line.
func (i *Interpreter) String() string {
	ft := ""
	if i.FreeThreaded {
		ft = " free-threaded"
	}
	return fmt.Sprintf("Python %s%s (%s)", i.Version, ft, i.InProcessPath)
}

// examine reads one ELF file as an interpreter file. ok is false when the
// file defines neither _PyEval_EvalFrameDefault nor PyEval_EvalFrameEx.
func examine(path string, names ...string) (*Interpreter, *elfFile, bool, error) {
	e, err := openELF(path)
	if err != nil {
		return nil, nil, false, err
	}
	want := append(append(append([]string{}, InterpreterSymbols...), legacyEvalSymbol), freeThreadedSymbols...)
	syms := e.symbols(want)
	_, hasEval := syms[EvalFrameSymbol]
	_, hasLegacy := syms[legacyEvalSymbol]
	if !hasEval && !hasLegacy {
		e.Close()
		return nil, nil, false, nil
	}
	it := &Interpreter{Path: path, InProcessPath: path, Symbols: map[string]Symbol{}, Segments: e.segments}
	for _, n := range InterpreterSymbols {
		if s, ok := syms[n]; ok {
			it.Symbols[n] = s
		} else {
			it.Missing = append(it.Missing, n)
		}
	}
	it.Version, it.VersionSource, err = readVersion(e, syms, names...)
	if err != nil {
		e.Close()
		return nil, nil, true, fmt.Errorf("version of %s: %w", path, err)
	}
	for _, n := range append([]string{path}, names...) {
		if _, _, flags, ok := nameMajorMinor(n); ok && strings.Contains(flags, "t") {
			it.FreeThreaded = true
		}
	}
	for _, n := range freeThreadedSymbols {
		if _, ok := syms[n]; ok {
			it.FreeThreaded = true
		}
	}
	return it, e, true, nil
}

// FindInProcess finds the CPython interpreter of a running process: the
// mapped file (the executable or a libpython) that defines
// _PyEval_EvalFrameDefault, its version, symbols and load bias. Files are
// opened by their own path when the process shares the tracer's root, else
// through /proc/PID/root (containers) or /proc/PID/map_files (chroots,
// deleted files); see Interpreter.Path. A process that is not Python gets a
// *NotPythonError (errors.Is(err, ErrNotPython)). Python 2.7 and 3.0-3.5
// are found too (Version set, EvalFrame() fails), so that the caller can
// refuse them by version.
func FindInProcess(pid int) (*Interpreter, error) {
	start, err := ProcessStartTime(pid)
	if err != nil {
		return nil, err
	}
	maps, err := ReadMaps(pid)
	if err != nil {
		return nil, err
	}
	exeLink := fmt.Sprintf("/proc/%d/exe", pid)
	exe, err := os.Readlink(exeLink)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w%s", exeLink, err, pidHint(pid, err))
	}
	exe = strings.TrimSuffix(exe, " (deleted)")

	// Files in the order to examine: the executable, libpython*, then any
	// other file mapped executable (an embedding application's plugin).
	byPath := map[string][]Mapping{}
	var order []string
	for _, m := range maps {
		if !m.IsFile() {
			continue
		}
		if _, seen := byPath[m.Path]; !seen {
			order = append(order, m.Path)
		}
		byPath[m.Path] = append(byPath[m.Path], m)
	}
	rank := func(p string) int {
		switch {
		case p == exe:
			return 0
		case strings.HasPrefix(filepath.Base(p), "libpython"):
			return 1
		case strings.Contains(filepath.Base(p), "python"):
			return 2
		}
		return 3
	}
	sort.SliceStable(order, func(a, b int) bool { return rank(order[a]) < rank(order[b]) })

	sameRoot := sameRootAs(pid)
	var firstErr error
	for _, p := range order {
		ms := byPath[p]
		executable := false
		for _, m := range ms {
			if strings.Contains(m.Perms, "x") {
				executable = true
			}
		}
		if !executable {
			continue
		}
		if rank(p) == 3 && (strings.HasPrefix(p, "/dev/") || strings.HasSuffix(p, ".cache")) {
			continue
		}
		host := hostPath(pid, ms[0], sameRoot)
		if rank(p) == 3 && !dynDefines(host, EvalFrameSymbol, legacyEvalSymbol) {
			continue // CPython exports its evaluator; an embedder's copy would too
		}
		it, e, ok, err := examine(host, p)
		if err != nil {
			if ok {
				return nil, fmt.Errorf("process %d: %w", pid, err)
			}
			if firstErr == nil && rank(p) < 3 {
				firstErr = err
			}
			continue
		}
		if !ok {
			continue
		}
		e.Close()
		it.PID = pid
		it.InProcessPath = p
		it.Static = p == exe
		it.Executable = exeLink
		if em := byPath[exe]; len(em) > 0 {
			it.Executable = hostPath(pid, em[0], sameRoot)
		}
		it.Bias, err = LoadBias(p, ms, it.Segments)
		if err != nil {
			return nil, fmt.Errorf("process %d: %w", pid, err)
		}
		if now, err := ProcessStartTime(pid); err != nil || now != start {
			return nil, fmt.Errorf("process %d exited while its interpreter was being examined (its pid is gone or was reused); check the pid", pid)
		}
		it.StartTime = start
		return it, nil
	}
	reason := fmt.Sprintf("no mapped file defines %s (looked at %d files, the executable and any libpython)", EvalFrameSymbol, len(order))
	if firstErr != nil {
		reason += "; first error: " + firstErr.Error()
	}
	return nil, &NotPythonError{PID: pid, Path: exe, Reason: reason}
}

// sameRootAs reports whether the process sees the same root directory as
// the tracer, so paths from its maps can be opened as they are.
func sameRootAs(pid int) bool {
	var a, b syscall.Stat_t
	if syscall.Stat(fmt.Sprintf("/proc/%d/root/", pid), &a) != nil || syscall.Stat("/", &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// hostPath is the path by which the tracer opens a file the process mapped.
// /proc/PID/maps names files relative to the process's mount namespace: a
// container's paths for a container, host paths for a plain chroot. The
// first candidate whose inode is the mapped one wins: the path itself (when
// the process shares the tracer's root), /proc/PID/root/<path>, then
// /proc/PID/map_files/<range> (the mapped file itself, also when deleted;
// needs CAP_SYS_ADMIN). Failing that (overlayfs may report other inodes),
// the first candidate that exists.
func hostPath(pid int, m Mapping, sameRoot bool) string {
	var cands []string
	if sameRoot && !m.Deleted {
		cands = append(cands, m.Path)
	}
	if !m.Deleted {
		cands = append(cands, filepath.Join(fmt.Sprintf("/proc/%d/root", pid), m.Path))
	}
	if m.End > m.Start {
		cands = append(cands, fmt.Sprintf("/proc/%d/map_files/%x-%x", pid, m.Start, m.End))
	}
	if len(cands) == 0 {
		return m.Path
	}
	exists := ""
	for _, c := range cands {
		var st syscall.Stat_t
		if syscall.Stat(c, &st) != nil {
			continue
		}
		if m.Inode == 0 || st.Ino == m.Inode {
			return c
		}
		if exists == "" {
			exists = c
		}
	}
	if exists != "" {
		return exists
	}
	return cands[0]
}

// FindForCommand finds the CPython interpreter a command would run, before
// it runs (launch mode). argv0 is resolved with the PATH of env; a script's
// #! line is followed (also through /usr/bin/env, with -S); when the
// executable does not define _PyEval_EvalFrameDefault its DT_NEEDED
// libpython is resolved like the dynamic loader does (DT_RPATH/DT_RUNPATH
// with $ORIGIN, LD_LIBRARY_PATH of env, /etc/ld.so.cache, default
// directories). An argv0 under /proc/PID/root/ is resolved inside that
// root, symlinks included (see FindForExec). A command that is not Python
// (/bin/sh, a shim script) gets a *NotPythonError, errors.Is(err,
// ErrNotPython).
func FindForCommand(argv0 string, env []string) (*Interpreter, error) {
	r, p := splitProcRoot(argv0)
	return findForCommand(r, p, env)
}

func findForCommand(r fsRoot, argv0 string, env []string) (*Interpreter, error) {
	exe, script, err := resolveCommand(r, argv0, env)
	if err != nil {
		return nil, err
	}
	real, err := r.resolve(exe)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", r.host(exe), err)
	}
	hostExe := r.host(real)
	if r == "" {
		hostExe = exe
	}
	it, e, ok, err := examine(r.host(real), exe)
	if err != nil {
		return nil, err
	}
	if ok {
		e.Close()
		it.Path, it.InProcessPath = hostExe, exe
		it.Executable, it.Script, it.Static = hostExe, script, true
		return it, nil
	}
	ee, err := openELF(r.host(real))
	if err != nil {
		return nil, err
	}
	defer ee.Close()
	ldlp, _ := envValue(env, "LD_LIBRARY_PATH")
	s := &libSearch{
		root: r, exe: real, rpath: ee.dynPaths(elf.DT_RPATH), runpath: ee.dynPaths(elf.DT_RUNPATH),
		ldLibraryPath: ldlp, cache: func() ([]LDCacheEntry, error) { return loadLDCacheIn(r) }, ref: ee.f,
	}
	var libs []string
	for _, n := range ee.needed() {
		if strings.HasPrefix(n, "libpython") {
			libs = append(libs, n)
		}
	}
	if len(libs) == 0 {
		what := r.host(exe)
		if script != "" {
			what = fmt.Sprintf("%s (the #! interpreter of %s)", r.host(exe), r.host(script))
		}
		return nil, &NotPythonError{Path: what, Reason: fmt.Sprintf("it defines no %s and links no libpython (DT_NEEDED: %s)", EvalFrameSymbol, strings.Join(ee.needed(), ", "))}
	}
	for _, n := range libs {
		inRoot, open, tried := s.resolve(n)
		if open == "" {
			return nil, fmt.Errorf("%s needs %s but it is not found (tried %s); set LD_LIBRARY_PATH to its directory", r.host(exe), n, strings.Join(tried, ", "))
		}
		it, le, ok, err := examine(open, n)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // libpython3.so, the stable-ABI forwarder
		}
		le.Close()
		it.InProcessPath = inRoot
		it.Executable, it.Script = hostExe, script
		return it, nil
	}
	return nil, &NotPythonError{Path: r.host(exe), Reason: fmt.Sprintf("none of its libraries %s defines %s", strings.Join(libs, ", "), EvalFrameSymbol)}
}
