package loader

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
)

// fsRoot resolves paths as a process whose root directory is r sees them:
// r is "" for the tracer's own root, or a directory such as /proc/PID/root.
// Through /proc/PID/root the kernel would resolve an absolute symlink
// (/usr/bin/python3 -> /etc/alternatives/python3) against the tracer's
// root, not the process's: resolve walks the links itself, inside r.
type fsRoot string

// maxSymlinks is the kernel's limit on symlinks in one path lookup.
const maxSymlinks = 40

// host returns the tracer's path for the in-root path p.
func (r fsRoot) host(p string) string {
	if r == "" {
		return p
	}
	return string(r) + p
}

// resolve returns the in-root path p with every symlink resolved inside r.
// A relative p is relative to the tracer's working directory (launch mode)
// or to r's "/".
func (r fsRoot) resolve(p string) (string, error) {
	if !filepath.IsAbs(p) {
		if r == "" {
			wd, err := os.Getwd()
			if err != nil {
				return "", err
			}
			p = filepath.Join(wd, p)
		} else {
			p = "/" + p
		}
	}
	queue := strings.Split(p, "/")
	done := "/"
	links := 0
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			done = filepath.Dir(done)
			continue
		}
		next := filepath.Join(done, c)
		fi, err := os.Lstat(r.host(next))
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxSymlinks {
			return "", &os.PathError{Op: "resolve", Path: r.host(p), Err: syscall.ELOOP}
		}
		target, err := os.Readlink(r.host(next))
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			done = "/"
		}
		queue = append(strings.Split(target, "/"), queue...)
	}
	return done, nil
}

// open returns the tracer's path to open for the in-root path p: p itself
// for the tracer's root (symlinks resolve right there), else the resolved
// path under r.
func (r fsRoot) open(p string) (string, error) {
	if r == "" {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	rp, err := r.resolve(p)
	if err != nil {
		return "", err
	}
	return r.host(rp), nil
}

// stat stats the in-root path p, following symlinks inside r.
func (r fsRoot) stat(p string) (os.FileInfo, error) {
	h, err := r.open(p)
	if err != nil {
		return nil, err
	}
	return os.Stat(h)
}

var procRootRe = regexp.MustCompile(`^(/proc/[0-9]+/root)(/.*)?$`)

// splitProcRoot splits "/proc/PID/root/usr/bin/python3" into the root
// "/proc/PID/root" and the in-root path "/usr/bin/python3". Other paths
// have the tracer's root.
func splitProcRoot(p string) (fsRoot, string) {
	m := procRootRe.FindStringSubmatch(filepath.Clean(p))
	if m == nil {
		return "", p
	}
	in := m[2]
	if in == "" {
		in = "/"
	}
	return fsRoot(m[1]), in
}

// FindForExec finds the CPython interpreter a process has just executed
// (at its exec, before the dynamic loader has mapped libpython): its
// /proc/PID/exe, resolved with the process's own environment
// (LD_LIBRARY_PATH) and root directory (a container's /etc/ld.so.cache and
// libraries). Bias is not known yet (PID is 0); call FindInProcess once the
// process runs to learn it. Not Python gives a *NotPythonError.
func FindForExec(pid int) (*Interpreter, error) {
	exe, err := ProcessExe(pid)
	if err != nil {
		return nil, err
	}
	exe = strings.TrimSuffix(exe, " (deleted)")
	env, err := ProcessEnv(pid)
	if err != nil {
		return nil, err
	}
	root := fsRoot(fmt.Sprintf("/proc/%d/root", pid))
	if sameRootAs(pid) {
		root = ""
	}
	return findForCommand(root, exe, env)
}

// ProcessEnv returns the environment a process started with
// (/proc/PID/environ).
func ProcessEnv(pid int) ([]string, error) {
	name := fmt.Sprintf("/proc/%d/environ", pid)
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w%s", name, err, pidHint(pid, err))
	}
	var env []string
	for _, kv := range strings.Split(string(b), "\x00") {
		if kv != "" {
			env = append(env, kv)
		}
	}
	return env, nil
}
