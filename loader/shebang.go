package loader

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// shebangMax is how much of a script's first line the kernel reads
// (BINPRM_BUF_SIZE since Linux 5.1).
const shebangMax = 256

// maxShebangDepth is how many interpreters may be chained (the kernel allows
// 4 levels of binfmt_script).
const maxShebangDepth = 4

// DefaultPath is the search path used when the environment has no PATH, as
// execvp does.
const DefaultPath = "/usr/local/bin:/usr/bin:/bin"

// Shebang is the parsed "#!" line of a script.
type Shebang struct {
	Interpreter string   // the path after "#!"
	Args        []string // what follows it, split on blanks (the kernel passes it as one argument)
}

// ReadShebang reads the "#!" line of the file at path. ok is false when the
// file does not start with "#!".
func ReadShebang(path string) (sb Shebang, ok bool, err error) {
	return readShebang("", path)
}

func readShebang(r fsRoot, path string) (sb Shebang, ok bool, err error) {
	h, err := r.open(path)
	if err != nil {
		return sb, false, err
	}
	f, err := os.Open(h)
	if err != nil {
		return sb, false, err
	}
	defer f.Close()
	buf := make([]byte, shebangMax)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return sb, false, fmt.Errorf("read %s: %w", path, err)
	}
	sb, ok = ParseShebang(buf[:n])
	return sb, ok, nil
}

// ParseShebang parses the first line of a script, as the kernel does: "#!",
// optional blanks, the interpreter path, then an optional argument string.
func ParseShebang(b []byte) (Shebang, bool) {
	if !bytes.HasPrefix(b, []byte("#!")) {
		return Shebang{}, false
	}
	line := b[2:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(strings.TrimRight(string(line), "\r"))
	if len(fields) == 0 {
		return Shebang{}, false
	}
	return Shebang{Interpreter: fields[0], Args: fields[1:]}, true
}

// envProgram returns the program an "env" shebang runs and the arguments
// given to it: `#!/usr/bin/env python3`, `#!/usr/bin/env -S python3 -u`,
// `#!/usr/bin/env -i PYTHONPATH=x python3`. ok is false if none is named.
func envProgram(args []string) (prog string, rest []string, ok bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-S" || a == "--split-string":
			continue // the rest is already split on blanks
		case strings.HasPrefix(a, "-S"):
			// "-Spython3": the program is glued to the option.
			return a[2:], args[i+1:], a[2:] != ""
		case a == "-u" || a == "--unset" || a == "-C" || a == "--chdir":
			i++ // option with a value
		case a == "-" || strings.HasPrefix(a, "-"):
			continue
		case strings.Contains(a, "="):
			continue // NAME=VALUE assignment
		default:
			return a, args[i+1:], true
		}
	}
	return "", nil, false
}

// LookPath finds an executable named file in the colon-separated path list
// (the PATH of the launch environment, not the tracer's). A name with a
// slash is only checked.
func LookPath(file, path string) (string, error) { return lookPath("", file, path) }

func lookPath(r fsRoot, file, path string) (string, error) {
	if strings.Contains(file, "/") {
		if err := checkExecutable(r, file); err != nil {
			return "", err
		}
		return file, nil
	}
	if path == "" {
		path = DefaultPath
	}
	var firstErr error
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, file)
		err := checkExecutable(r, p)
		if err == nil {
			return p, nil
		}
		if firstErr == nil && !os.IsNotExist(err) {
			firstErr = err
		}
	}
	if firstErr != nil {
		return "", fmt.Errorf("%s found in PATH=%s but not usable: %w", file, path, firstErr)
	}
	return "", fmt.Errorf("%s: not found in PATH=%s; give its full path or fix PATH: %w", file, path, os.ErrNotExist)
}

func checkExecutable(r fsRoot, p string) error {
	st, err := r.stat(p)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory", p)
	}
	if st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable (mode %v); chmod +x it: %w", p, st.Mode().Perm(), os.ErrPermission)
	}
	return nil
}

// envValue returns the value of name in an environment list ("K=V" items);
// the last one wins, as getenv sees it.
func envValue(env []string, name string) (string, bool) {
	val, found := "", false
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			val, found = v, true
		}
	}
	return val, found
}

// resolveCommand follows argv0 to the ELF executable the kernel would run:
// PATH lookup, then shebang lines (with one level of env lookup each), at
// most maxShebangDepth deep, all inside root r. It returns the executable
// and the first script, if argv0 was one, as in-root paths.
func resolveCommand(r fsRoot, argv0 string, env []string) (exe, script string, err error) {
	path, _ := envValue(env, "PATH")
	p, err := lookPath(r, argv0, path)
	if err != nil {
		return "", "", err
	}
	for depth := 0; ; depth++ {
		if h, err := r.open(p); err == nil && isELF(h) {
			return p, script, nil
		}
		sb, ok, err := readShebang(r, p)
		if err != nil {
			return "", script, err
		}
		if !ok {
			return "", script, &NotPythonError{Path: p, Reason: "neither an ELF executable nor a script with a #! line"}
		}
		if depth >= maxShebangDepth {
			return "", script, fmt.Errorf("%s: more than %d levels of #! interpreters (the kernel refuses this too)", p, maxShebangDepth)
		}
		if script == "" {
			script = p
		}
		next := sb.Interpreter
		if filepath.Base(next) == "env" && len(sb.Args) > 0 {
			prog, _, ok := envProgram(sb.Args)
			if !ok {
				return "", script, fmt.Errorf("%s: the #! line %q names no program for env", p, "#!"+next+" "+strings.Join(sb.Args, " "))
			}
			q, err := lookPath(r, prog, path)
			if err != nil {
				return "", script, fmt.Errorf("%s: #! line runs env %s: %w", p, prog, err)
			}
			next = q
		} else if err := checkExecutable(r, next); err != nil {
			return "", script, fmt.Errorf("%s: the #! interpreter %s: %w", p, next, err)
		}
		p = next
	}
}
