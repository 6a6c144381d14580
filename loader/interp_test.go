package loader

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// needFile skips a test when a file it needs is absent, except under CI=true
// where a missing interpreter is a failure, never a silent skip.
func needFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required (CI=true): %v", path, err)
		}
		t.Skipf("%s not present: %v", path, err)
	}
}

// needRoot skips (or under CI=true fails) a test that needs root.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test needs root (CI=true)")
		}
		t.Skip("needs root")
	}
}

const pyenvRoot = "/root/.pyenv/versions"

// testInterp is one interpreter installed on the test machine.
type testInterp struct {
	exe     string // the python executable
	lib     string // the file expected to hold the evaluator ("" = exe)
	major   int
	minor   int
	hasEval bool // defines _PyEval_EvalFrameDefault
}

func testInterpreters() []testInterp {
	var out []testInterp
	for _, v := range []string{"2.7.18", "3.6.15", "3.7.16", "3.8.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0"} {
		f := strings.Split(v, ".")
		maj, _ := strconv.Atoi(f[0])
		mn, _ := strconv.Atoi(f[1])
		mm := fmt.Sprintf("%d.%d", maj, mn)
		abi := ""
		if maj == 3 && mn <= 7 {
			abi = "m"
		}
		out = append(out, testInterp{
			exe:     filepath.Join(pyenvRoot, v, "bin", "python"+mm),
			lib:     filepath.Join(pyenvRoot, v, "lib", "libpython"+mm+abi+".so.1.0"),
			major:   maj,
			minor:   mn,
			hasEval: maj == 3 && mn >= 6,
		})
	}
	out = append(out, testInterp{exe: "/usr/bin/python3.11", major: 3, minor: 11, hasEval: true})
	return out
}

// pythonVersion asks the interpreter itself.
func pythonVersion(t *testing.T, exe string) string {
	t.Helper()
	out, err := exec.Command(exe, "-c", "import sys;print(sys.version.split()[0])").Output()
	if err != nil {
		t.Fatalf("%s -c 'print(sys.version)': %v", exe, err)
	}
	return strings.TrimSpace(string(out))
}

func TestFindForCommandInterpreters(t *testing.T) {
	for _, ti := range testInterpreters() {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(ti.exe)))+"/"+filepath.Base(ti.exe), func(t *testing.T) {
			needFile(t, ti.exe)
			want := pythonVersion(t, ti.exe)
			it, err := FindForCommand(ti.exe, []string{"PATH=/usr/bin:/bin"})
			if err != nil {
				t.Fatalf("FindForCommand(%s): %v", ti.exe, err)
			}
			t.Logf("%s: Path=%s Static=%v version %s from %s; missing %v", ti.exe, it.Path, it.Static, it.Version, it.VersionSource, it.Missing)
			if got := it.Version.String(); got != want {
				t.Errorf("Version = %s, the interpreter says %s", got, want)
			}
			wantPath := ti.lib
			if wantPath == "" {
				wantPath = ti.exe
			}
			if it.Path != wantPath {
				t.Errorf("Path = %s, want %s", it.Path, wantPath)
			}
			if it.Static != (ti.lib == "") {
				t.Errorf("Static = %v", it.Static)
			}
			if it.Executable != ti.exe {
				t.Errorf("Executable = %s, want %s", it.Executable, ti.exe)
			}
			if it.FreeThreaded {
				t.Errorf("FreeThreaded = true for a default build")
			}
			_, hasPyVersion := it.Symbols["Py_Version"]
			if hasPyVersion != (ti.major == 3 && ti.minor >= 11) {
				t.Errorf("Py_Version defined = %v for %d.%d", hasPyVersion, ti.major, ti.minor)
			}
			ev, err := it.EvalFrame()
			if ti.hasEval {
				if err != nil {
					t.Fatalf("EvalFrame: %v", err)
				}
				if ev.Value == 0 || ev.Size == 0 {
					t.Errorf("EvalFrame = %+v: want an address and a size", ev)
				}
				off, err := it.SymbolOffset(EvalFrameSymbol)
				if err != nil {
					t.Fatalf("SymbolOffset: %v", err)
				}
				if off == 0 || off > ev.Value {
					t.Errorf("file offset %#x of %s at %#x is implausible", off, EvalFrameSymbol, ev.Value)
				}
				for _, s := range []string{"PyCode_Type", "PyUnicode_Type", "PyLong_Type", "PyFloat_Type", "PyBool_Type", "_Py_NoneStruct", "_Py_TrueStruct", "_Py_FalseStruct", "PyGen_Type", "PyCoro_Type"} {
					if _, err := it.Symbol(s); err != nil {
						t.Errorf("Symbol(%s): %v", s, err)
					}
				}
				if _, err := it.Symbol("_PyRuntime"); (err == nil) != (ti.minor >= 7) {
					t.Errorf("Symbol(_PyRuntime) on %d.%d: %v", ti.major, ti.minor, err)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), "3.6") || !strings.Contains(err.Error(), want) {
					t.Errorf("EvalFrame on %s: want an error naming the version and 3.6, got %v", want, err)
				}
			}
			if _, err := it.Addr("_Py_NoneStruct"); err == nil {
				t.Errorf("Addr in launch mode must fail")
			}
		})
	}
}

// startPython starts a python that prints "id(None) hexversion" and waits;
// the process is stopped by its pid when the test ends.
func startPython(t *testing.T, exe string, args ...string) (pid int, noneAddr, hexversion uint64) {
	t.Helper()
	script := "import sys,time\nsys.stdout.write('%d %d\\n' % (id(None), sys.hexversion))\nsys.stdout.flush()\ntime.sleep(120)\n"
	cmd := exec.Command(exe, append(args, "-c", script)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	pid = cmd.Process.Pid
	t.Cleanup(func() {
		syscall.Kill(pid, syscall.SIGKILL)
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		f := strings.Fields(s)
		if len(f) != 2 {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("%s printed %q; stderr: %s", exe, s, stderr.String())
		}
		noneAddr, _ = strconv.ParseUint(f[0], 10, 64)
		hexversion, _ = strconv.ParseUint(f[1], 10, 64)
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not start within 20s", exe)
	}
	return pid, noneAddr, hexversion
}

func TestFindInProcess(t *testing.T) {
	needRoot(t)
	for _, ti := range testInterpreters() {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(ti.exe)))+"/"+filepath.Base(ti.exe), func(t *testing.T) {
			needFile(t, ti.exe)
			want := pythonVersion(t, ti.exe)
			pid, none, hexv := startPython(t, ti.exe)
			it, err := FindInProcess(pid)
			if err != nil {
				t.Fatalf("FindInProcess(%d): %v", pid, err)
			}
			t.Logf("pid %d: %s bias %#x path %s exe %s", pid, it, it.Bias, it.Path, it.Executable)
			if it.Version.String() != want {
				t.Errorf("Version = %s, want %s", it.Version, want)
			}
			wantPath := ti.lib
			if wantPath == "" {
				wantPath = ti.exe
			}
			if it.InProcessPath != wantPath || it.Path != wantPath {
				t.Errorf("Path = %s (in process %s), want %s", it.Path, it.InProcessPath, wantPath)
			}
			if it.PID != pid {
				t.Errorf("PID = %d", it.PID)
			}
			if st, _ := ProcessStartTime(pid); it.StartTime != st || st == 0 {
				t.Errorf("StartTime = %d, want %d", it.StartTime, st)
			}
			addr, err := it.Addr("_Py_NoneStruct")
			if err != nil {
				t.Fatal(err)
			}
			if addr != none {
				t.Fatalf("Addr(_Py_NoneStruct) = %#x, the process says id(None) = %#x (bias %#x)", addr, none, it.Bias)
			}
			mem, err := OpenProcMem(pid)
			if err != nil {
				t.Fatal(err)
			}
			defer mem.Close()
			// PyLong_Type.tp_name (offset 24: refcnt, type, size) is "int" (2.7: "long").
			lt, err := it.Addr("PyLong_Type")
			if err != nil {
				t.Fatal(err)
			}
			np, err := mem.ReadU64(lt + 24)
			if err != nil {
				t.Fatal(err)
			}
			name, err := mem.ReadCString(np, 32)
			if err != nil {
				t.Fatal(err)
			}
			wantName := "int"
			if ti.major == 2 {
				wantName = "long"
			}
			if name != wantName {
				t.Errorf("PyLong_Type.tp_name = %q, want %q", name, wantName)
			}
			if ti.major == 3 && ti.minor >= 11 {
				a, err := it.Addr("Py_Version")
				if err != nil {
					t.Fatal(err)
				}
				var b [4]byte
				if _, err := mem.ReadAt(b[:], int64(a)); err != nil {
					t.Fatal(err)
				}
				if got := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24; got != hexv {
					t.Errorf("Py_Version in memory = %#x, sys.hexversion = %#x", got, hexv)
				}
			}
		})
	}
}

func TestFindInProcessNotPython(t *testing.T) {
	needRoot(t)
	cmd := exec.Command("/bin/sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer func() { syscall.Kill(pid, syscall.SIGKILL); cmd.Wait() }()
	time.Sleep(100 * time.Millisecond)
	_, err := FindInProcess(pid)
	if !errors.Is(err, ErrNotPython) {
		t.Fatalf("FindInProcess(sleep) = %v, want ErrNotPython", err)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(pid)) {
		t.Errorf("error %q does not name the pid", err)
	}
	_, err = FindInProcess(1 << 30)
	if err == nil || !strings.Contains(err.Error(), "no process") {
		t.Errorf("FindInProcess(no such pid) = %v", err)
	}
}

func writeScript(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindForCommandScripts(t *testing.T) {
	py312 := filepath.Join(pyenvRoot, "3.12.1", "bin", "python3.12")
	py310 := filepath.Join(pyenvRoot, "3.10.13", "bin", "python3")
	needFile(t, py312)
	needFile(t, py310)
	needFile(t, "/usr/bin/python3.11")
	dir := t.TempDir()
	bin312 := filepath.Join(pyenvRoot, "3.12.1", "bin")
	envScript := writeScript(t, dir, "env.py", "#!/usr/bin/env python3\nprint(1)\n")
	envS := writeScript(t, dir, "envs.py", "#!/usr/bin/env -S python3.11 -u -X dev\n")
	direct := writeScript(t, dir, "direct.py", "#!"+py310+" -u\n")
	spaced := writeScript(t, dir, "spaced.py", "#!  "+py310+"\r\n")
	shell := writeScript(t, dir, "shell.sh", "#!/bin/sh\necho hi\n")
	chain := writeScript(t, dir, "chain", "#!"+direct+"\n") // a script as interpreter
	noShebang := writeScript(t, dir, "plain.py", "print(1)\n")
	writeScript(t, dir, "tool", "#!/usr/bin/env python3\n") // found via PATH below

	tests := []struct {
		name, argv0 string
		env         []string
		wantVersion string // major.minor, "" when an error is wanted
		wantScript  string
		notPython   bool
	}{
		{"env python3 via PATH", envScript, []string{"PATH=" + bin312 + ":/usr/bin"}, "3.12", envScript, false},
		{"env python3 other PATH", envScript, []string{"PATH=/usr/bin:" + bin312}, "3.11", envScript, false},
		{"env -S", envS, []string{"PATH=/usr/bin"}, "3.11", envS, false},
		{"direct path with arg", direct, nil, "3.10", direct, false},
		{"blanks and CRLF", spaced, nil, "3.10", spaced, false},
		{"chained scripts", chain, nil, "3.10", chain, false},
		{"script found in PATH", "tool", []string{"PATH=" + dir + ":" + bin312}, "3.12", filepath.Join(dir, "tool"), false},
		{"python by name", "python3.12", []string{"PATH=/usr/bin:" + bin312}, "3.12", "", false},
		{"shell script", shell, nil, "", "", true},
		{"/bin/sh", "/bin/sh", nil, "", "", true},
		{"sh by name", "sh", []string{"PATH=/usr/bin:/bin"}, "", "", true},
		{"no shebang", noShebang, nil, "", "", true},
		{"not found", "no-such-python-xyz", []string{"PATH=/usr/bin"}, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it, err := FindForCommand(tc.argv0, tc.env)
			if tc.wantVersion == "" {
				if err == nil {
					t.Fatalf("FindForCommand(%s) = %s, want an error", tc.argv0, it)
				}
				if errors.Is(err, ErrNotPython) != tc.notPython {
					t.Fatalf("FindForCommand(%s): error %v; want ErrNotPython: %v", tc.argv0, err, tc.notPython)
				}
				t.Logf("%s: %v", tc.argv0, err)
				return
			}
			if err != nil {
				t.Fatalf("FindForCommand(%s): %v", tc.argv0, err)
			}
			if got := fmt.Sprintf("%d.%d", it.Version.Major, it.Version.Minor); got != tc.wantVersion {
				t.Errorf("version %s, want %s (%s)", it.Version, tc.wantVersion, it)
			}
			if it.Script != tc.wantScript {
				t.Errorf("Script = %q, want %q", it.Script, tc.wantScript)
			}
		})
	}
}

func TestFindForCommandLDLibraryPath(t *testing.T) {
	py := filepath.Join(pyenvRoot, "3.12.1", "bin", "python3.12")
	lib := filepath.Join(pyenvRoot, "3.12.1", "lib", "libpython3.12.so.1.0")
	needFile(t, py)
	dir := t.TempDir()
	if err := os.Symlink(lib, filepath.Join(dir, "libpython3.12.so.1.0")); err != nil {
		t.Fatal(err)
	}
	// LD_LIBRARY_PATH comes before DT_RUNPATH.
	it, err := FindForCommand(py, []string{"LD_LIBRARY_PATH=/nonexistent:" + dir})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "libpython3.12.so.1.0"); it.Path != want {
		t.Errorf("Path = %s, want %s (LD_LIBRARY_PATH before RUNPATH)", it.Path, want)
	}
	it, err = FindForCommand(py, nil)
	if err != nil {
		t.Fatal(err)
	}
	if it.Path != lib {
		t.Errorf("Path = %s, want %s (from DT_RUNPATH)", it.Path, lib)
	}
}

func TestNameMajorMinor(t *testing.T) {
	for _, tc := range []struct {
		name         string
		major, minor int
		flags        string
		ok           bool
	}{
		{"/usr/bin/python3.11", 3, 11, "", true},
		{"libpython3.6m.so.1.0", 3, 6, "m", true},
		{"/x/libpython3.13t.so", 3, 13, "t", true},
		{"python3.13td", 3, 13, "td", true},
		{"libpython2.7.so.1.0", 2, 7, "", true},
		{"/usr/bin/python", 0, 0, "", false},
	} {
		ma, mi, fl, ok := nameMajorMinor(tc.name)
		if ma != tc.major || mi != tc.minor || fl != tc.flags || ok != tc.ok {
			t.Errorf("nameMajorMinor(%s) = %d %d %q %v", tc.name, ma, mi, fl, ok)
		}
	}
}

func TestVersionFromHex(t *testing.T) {
	for _, tc := range []struct {
		h    uint32
		want string
	}{
		{0x030c01f0, "3.12.1"},
		{0x030b07f0, "3.11.7"},
		{0x030d00c1, "3.13.0rc1"},
		{0x030e00a3, "3.14.0a3"},
		{0x030e00b2, "3.14.0b2"},
	} {
		if got := versionFromHex(tc.h).String(); got != tc.want {
			t.Errorf("versionFromHex(%#x) = %s, want %s", tc.h, got, tc.want)
		}
	}
}

func TestFindPyVersion(t *testing.T) {
	for _, tc := range []struct {
		name         string
		ro           string
		major, minor int
		want         string
		wantErr      bool
	}{
		{"standalone", "\x00pymalloc\x003.11.2\x00strict\x00", 3, 11, "3.11.2", false},
		{"prefix tail", "\x00/root/.pyenv/versions/3.10.13\x00python3.10\x00", 3, 10, "3.10.13", false},
		{"ignores glibc and gcc", "\x00GLIBC_2.2.5\x00GCC 12.2.0\x003.9.18\x00", 3, 9, "3.9.18", false},
		{"other minor ignored", "\x003.2.0\x00unidata\x003.8.18\x00", 3, 8, "3.8.18", false},
		{"prerelease", "\x003.10.0rc2\x00", 3, 10, "3.10.0rc2", false},
		{"dev build", "\x003.10.13+\x00", 3, 10, "3.10.13+", false},
		{"standalone beats path", "\x00/opt/python-3.10.2\x003.10.13\x00", 3, 10, "3.10.13", false},
		{"build date decides", "\x003.10.1\x00aaaa\x003.10.13\x00May  9 2026\x0007:34:36\x00", 3, 10, "3.10.13", false},
		{"none", "\x00nothing here\x00", 3, 10, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, how, err := findPyVersion([]byte(tc.ro), tc.major, tc.minor, true)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %s", v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.String() != tc.want {
				t.Errorf("got %s (%s), want %s", v, how, tc.want)
			}
		})
	}
}

// TestFindInProcessOtherRoot runs a Python in its own mount namespace, as a
// container does (pivot_root) and as a chroot does, with the library at a
// path that exists only inside: discovery must open it through
// /proc/PID/root (container) or /proc/PID/map_files (chroot: maps then
// names host paths that do not exist).
func TestFindInProcessOtherRoot(t *testing.T) {
	needRoot(t)
	home := filepath.Join(pyenvRoot, "3.12.1")
	needFile(t, home)
	for _, tool := range []string{"/usr/bin/unshare", "/usr/sbin/chroot", "/usr/sbin/pivot_root"} {
		needFile(t, tool)
	}
	const lib = "/opt/py/lib/libpython3.12.so.1.0"
	for _, mode := range []string{"pivot_root", "chroot"} {
		t.Run(mode, func(t *testing.T) {
			root, err := os.MkdirTemp("", "loader-root-")
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []string{"usr", "opt/py", "oldroot", "tmp"} {
				if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, l := range []string{"lib", "lib64", "bin"} {
				if err := os.Symlink("usr/"+l, filepath.Join(root, l)); err != nil {
					t.Fatal(err)
				}
			}
			// An absolute symlink that means something only inside.
			if err := os.Symlink("/opt/py", filepath.Join(root, "opt", "current")); err != nil {
				t.Fatal(err)
			}
			pre, enter := "", "exec chroot %[1]s"
			if mode == "pivot_root" {
				pre = "mount --bind %[1]s %[1]s\n" // a mount point to pivot to
				enter = "cd %[1]s\npivot_root . oldroot\ncd /\nexec"
			}
			script := fmt.Sprintf("set -e\n"+pre+"mount -o bind,ro /usr %[1]s/usr\nmount -o bind,ro %[2]s %[1]s/opt/py\n"+enter+
				" /usr/bin/env LD_LIBRARY_PATH=/opt/py/lib PYTHONHOME=/opt/py /opt/py/bin/python3.12 \"$@\"\n", root, home)
			sh := filepath.Join(root, "tmp", "start.sh")
			if err := os.WriteFile(sh, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				// The mounts live in the child's private namespace only; never
				// remove a directory that shows content (a mount that leaked).
				for _, d := range []string{"usr", "opt/py", "oldroot"} {
					if ents, _ := os.ReadDir(filepath.Join(root, d)); len(ents) > 0 {
						t.Errorf("%s/%s is not empty after the test: not removing %s", root, d, root)
						return
					}
				}
				os.RemoveAll(root)
			})
			// unshare execs sh, which execs (chroot,) env and python: one pid.
			pid, none, _ := startPython(t, "/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", sh)
			it, err := FindInProcess(pid)
			if err != nil {
				t.Fatal(err)
			}
			wantIn, wantPath := lib, fmt.Sprintf("/proc/%d/root%s", pid, lib)
			if mode == "chroot" {
				wantIn = root + lib
				wantPath = fmt.Sprintf("/proc/%d/map_files/", pid)
			}
			if it.InProcessPath != wantIn {
				t.Errorf("InProcessPath = %s, want %s", it.InProcessPath, wantIn)
			}
			if !strings.HasPrefix(it.Path, wantPath) {
				t.Errorf("Path = %s, want %s", it.Path, wantPath)
			}
			if it.Version.String() != "3.12.1" {
				t.Errorf("Version = %s", it.Version)
			}
			if a, _ := it.Addr("_Py_NoneStruct"); a != none {
				t.Errorf("Addr(_Py_NoneStruct) = %#x, id(None) = %#x", a, none)
			}
			if _, err := os.Stat(it.Executable); err != nil {
				t.Errorf("Executable %s: %v", it.Executable, err)
			}
			t.Logf("%s, opened as %s, executable %s", it, it.Path, it.Executable)
			if mode != "pivot_root" {
				return
			}
			// As at an exec: from /proc/PID/exe, the process's environment
			// (LD_LIBRARY_PATH=/opt/py/lib) and its root.
			ex, err := FindForExec(pid)
			if err != nil {
				t.Fatalf("FindForExec: %v", err)
			}
			if ex.InProcessPath != lib || ex.Path != fmt.Sprintf("/proc/%d/root%s", pid, lib) || ex.Version.String() != "3.12.1" {
				t.Errorf("FindForExec: %s, Path %s", ex, ex.Path)
			}
			env, err := ProcessEnv(pid)
			if err != nil {
				t.Fatal(err)
			}
			// Through an absolute symlink inside the container.
			cmd, err := FindForCommand(fmt.Sprintf("/proc/%d/root/opt/current/bin/python3.12", pid), env)
			if err != nil {
				t.Fatalf("FindForCommand in the container's root: %v", err)
			}
			if cmd.InProcessPath != lib || cmd.Path != ex.Path {
				t.Errorf("FindForCommand in root: %s, Path %s", cmd, cmd.Path)
			}
			if want := fmt.Sprintf("/proc/%d/root/opt/py/bin/python3.12", pid); cmd.Executable != want {
				t.Errorf("Executable = %s, want %s", cmd.Executable, want)
			}
		})
	}
}

func TestFSRootResolve(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "usr", "bin"), 0o755))
	must(os.MkdirAll(filepath.Join(root, "etc", "alternatives"), 0o755))
	must(os.WriteFile(filepath.Join(root, "usr", "bin", "python3.11"), []byte("x"), 0o755))
	must(os.Symlink("/etc/alternatives/python3", filepath.Join(root, "usr", "bin", "python3")))
	must(os.Symlink("/usr/bin/python3.11", filepath.Join(root, "etc", "alternatives", "python3")))
	must(os.Symlink("../../../../../../etc", filepath.Join(root, "usr", "up")))
	must(os.Symlink("loop2", filepath.Join(root, "loop1")))
	must(os.Symlink("loop1", filepath.Join(root, "loop2")))
	r := fsRoot(root)
	for _, tc := range []struct{ in, want, err string }{
		{"/usr/bin/python3", "/usr/bin/python3.11", ""},
		{"/usr/bin/../bin/./python3", "/usr/bin/python3.11", ""},
		{"/usr/up/alternatives/python3", "/usr/bin/python3.11", ""}, // ".." stops at the root
		{"/loop1", "", "too many levels"},
		{"/nothing", "", "no such file"},
	} {
		got, err := r.resolve(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("resolve(%s) = %q, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("resolve(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if r2, p := splitProcRoot("/proc/42/root/usr/bin/python3"); r2 != "/proc/42/root" || p != "/usr/bin/python3" {
		t.Errorf("splitProcRoot = %q %q", r2, p)
	}
	if r2, p := splitProcRoot("/usr/bin/python3"); r2 != "" || p != "/usr/bin/python3" {
		t.Errorf("splitProcRoot(host path) = %q %q", r2, p)
	}
}

func TestFreeThreadedByName(t *testing.T) {
	lib := filepath.Join(pyenvRoot, "3.13.0", "lib", "libpython3.13.so.1.0")
	needFile(t, lib)
	dir := t.TempDir()
	ft := filepath.Join(dir, "libpython3.13t.so.1.0")
	if err := os.Symlink(lib, ft); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want bool
	}{{lib, false}, {ft, true}} {
		it, e, ok, err := examine(tc.path)
		if err != nil || !ok {
			t.Fatalf("examine(%s): %v %v", tc.path, ok, err)
		}
		e.Close()
		if it.FreeThreaded != tc.want {
			t.Errorf("%s: FreeThreaded = %v, want %v", tc.path, it.FreeThreaded, tc.want)
		}
	}
}

// TestEmbeddedPythonGDB: gdb embeds CPython through libpython3.11.so.1.0,
// which it finds through /etc/ld.so.cache (it has no RPATH/RUNPATH).
func TestEmbeddedPythonGDB(t *testing.T) {
	const gdb = "/usr/bin/gdb"
	const lib = "/lib/x86_64-linux-gnu/libpython3.11.so.1.0"
	needFile(t, gdb)
	needFile(t, lib)
	it, err := FindForCommand("gdb", []string{"PATH=/usr/bin"})
	if err != nil {
		t.Fatal(err)
	}
	if it.Path != lib && it.Path != "/usr"+lib {
		t.Errorf("Path = %s, want %s (from ld.so.cache)", it.Path, lib)
	}
	if it.Static || it.Executable != gdb || it.Version.String() != "3.11.2" {
		t.Errorf("got %s static %v executable %s", it, it.Static, it.Executable)
	}
	if _, err := it.EvalFrame(); err != nil {
		t.Error(err)
	}

	needRoot(t)
	pid, none, hexv := startGDBPython(t, gdb)
	ip, err := FindInProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := ip.Addr("_Py_NoneStruct"); a != none {
		t.Errorf("Addr(_Py_NoneStruct) = %#x, id(None) = %#x", a, none)
	}
	if ip.Static || ip.Executable != gdb || !strings.HasSuffix(ip.Path, "libpython3.11.so.1.0") {
		t.Errorf("in process: %s static %v executable %s", ip, ip.Static, ip.Executable)
	}
	mem, err := OpenProcMem(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	a, _ := ip.Addr("Py_Version")
	var b [4]byte
	if _, err := mem.ReadAt(b[:], int64(a)); err != nil {
		t.Fatal(err)
	}
	if got := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24; got != hexv {
		t.Errorf("Py_Version %#x, sys.hexversion %#x", got, hexv)
	}
}

// startGDBPython runs Python inside gdb, printing "id(None) hexversion".
func startGDBPython(t *testing.T, gdb string) (pid int, noneAddr, hexversion uint64) {
	t.Helper()
	py := "python import sys,time; sys.stdout.write('%d %d\\n' % (id(None), sys.hexversion)); sys.stdout.flush(); time.sleep(120)"
	cmd := exec.Command(gdb, "-nx", "-batch", "-ex", py)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid = cmd.Process.Pid
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		f := strings.Fields(s)
		if len(f) != 2 {
			t.Fatalf("gdb printed %q", s)
		}
		noneAddr, _ = strconv.ParseUint(f[0], 10, 64)
		hexversion, _ = strconv.ParseUint(f[1], 10, 64)
	case <-time.After(20 * time.Second):
		t.Fatal("gdb did not start within 20s")
	}
	return pid, noneAddr, hexversion
}
