package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/points"
	"github.com/hpdiag/hpdiag-trace/shim"
)

const setupSynopsis = `hpdiag-trace setup [--python PATH] [--home DIR] [--update | --remove] [--yes]`

// installedFiles is the guide's list of what setup installed, under home.
const installedFiles = "backups/installed_files"

// setupFlags are the guide's probe_setup.py options.
type setupFlags struct {
	python string
	home   string
	update bool
	remove bool
	yes    bool
}

// setupPlan is what setup is about to do, shown before it asks.
type setupPlan struct {
	home, etc, bin, log, sitePackages, python string
}

// pythonInfo is what setup asks the interpreter.
type pythonInfo struct {
	Purelib string `json:"purelib"`
	Version []int  `json:"version"`
	Prefix  string `json:"prefix"`
}

const pythonInfoScript = `import json, sys, sysconfig
print(json.dumps({"purelib": sysconfig.get_paths()["purelib"], "version": list(sys.version_info[:3]), "prefix": sys.prefix}))`

// runSetup installs, updates or removes the agent, as probe_setup.py does.
func runSetup(args []string, env *environment) int {
	var sf setupFlags
	fs := flag.NewFlagSet("hpdiag-trace setup", flag.ContinueOnError)
	defPython := "python3"
	if env.goos == "windows" {
		defPython = "python"
	}
	fs.StringVar(&sf.python, "python", defPython, "the Python `interpreter` of the application: hpdiag goes into its site-packages")
	fs.StringVar(&sf.home, "home", "", "the agent's `dir`ectory (default /opt/hpdiag; %PROGRAMDATA%\\hpdiag on Windows)")
	for _, n := range []string{"u", "update"} {
		fs.BoolVar(&sf.update, n, false, "update: replace the package and the binary, keep the configuration")
	}
	for _, n := range []string{"r", "remove"} {
		fs.BoolVar(&sf.remove, n, false, "remove the package and rename the home to hpdiag.<date>-<time>")
	}
	for _, n := range []string{"y", "yes", "dont_ask"} {
		fs.BoolVar(&sf.yes, n, false, "do not ask before changing anything")
	}
	fs.Usage = usage(fs, setupSynopsis)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		env.errorf("setup: unexpected argument %q (see hpdiag-trace setup -h)", fs.Arg(0))
		return exitUsage
	}
	if sf.update && sf.remove {
		env.errorf("setup: --update and --remove exclude each other; give one")
		return exitUsage
	}
	if sf.home == "" {
		sf.home = defaultHome(env)
	}
	home, err := filepath.Abs(sf.home)
	if err != nil {
		env.errorf("setup: --home %s: %v", sf.home, err)
		return exitUsage
	}
	if sf.remove {
		return setupRemove(home, &sf, env)
	}
	info, err := askPython(sf.python)
	if err != nil {
		env.errorf("setup: --python %s: %v; give the interpreter the application runs with", sf.python, err)
		return exitUsage
	}
	if len(info.Version) < 2 || info.Version[0] < 3 || info.Version[0] == 3 && info.Version[1] < 8 {
		env.errorf("setup: --python %s is Python %v: hpdiag needs CPython 3.8 or later", sf.python, info.Version)
		return exitNoTrace
	}
	plan := setupPlan{home: home, etc: filepath.Join(home, "etc"), bin: filepath.Join(home, "bin"),
		log: logDir(home, env), sitePackages: info.Purelib, python: sf.python}
	return setupInstall(plan, &sf, env)
}

// defaultHome is the guide's agent directory.
func defaultHome(env *environment) string {
	if env.goos == "windows" {
		base := strings.TrimRight(env.getenv("PROGRAMDATA"), `\/`)
		if base == "" {
			base = `C:\ProgramData`
		}
		return base + `\hpdiag`
	}
	return "/opt/hpdiag"
}

// logDir is the guide's log directory for the default home, home/log for
// any other.
func logDir(home string, env *environment) string {
	if home == filepath.Clean(defaultHome(env)) {
		return conf.ResolveDirs("", "", env.getenv, env.goos).LogDir
	}
	return filepath.Join(home, "log")
}

func askPython(python string) (*pythonInfo, error) {
	out, err := exec.Command(python, "-c", pythonInfoScript).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, err
	}
	var info pythonInfo
	if err := json.Unmarshal(out, &info); err != nil || info.Purelib == "" {
		return nil, fmt.Errorf("cannot read its site-packages directory from %q", strings.TrimSpace(string(out)))
	}
	return &info, nil
}

// confirm asks a yes/no question on stdin unless --yes.
func confirm(sf *setupFlags, env *environment, question string) bool {
	if sf.yes {
		return true
	}
	fmt.Fprintf(env.stdout, "%s [y/N] ", question)
	if env.stdin == nil {
		return false
	}
	line, _ := bufio.NewReader(env.stdin).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}

// setupInstall installs (or, with --update, updates) the agent.
func setupInstall(plan setupPlan, sf *setupFlags, env *environment) int {
	pkgDir := filepath.Join(plan.sitePackages, shim.PackageName)
	_, statErr := os.Stat(filepath.Join(pkgDir, "pyprobe.py"))
	present := statErr == nil
	if present && !sf.update {
		env.errorf("setup: hpdiag is already installed in %s; use --update to replace it (the configuration is kept) or --remove", plan.sitePackages)
		return exitUsage
	}
	verb := "Install"
	if sf.update {
		verb = "Update"
	}
	fmt.Fprintf(env.stdout, "%s the HP Diagnostics Python Agent (hpdiag-trace %s):\n", verb, version)
	fmt.Fprintf(env.stdout, "  hpdiag package   %s (for %s)\n", pkgDir, plan.python)
	fmt.Fprintf(env.stdout, "  configuration    %s (probe.conf, points files, custom_code; existing files are kept)\n", plan.etc)
	fmt.Fprintf(env.stdout, "  binary           %s\n", filepath.Join(plan.bin, exeName(env)))
	fmt.Fprintf(env.stdout, "  log directory    %s\n", plan.log)
	fmt.Fprintf(env.stdout, "  file list        %s\n", filepath.Join(plan.home, filepath.FromSlash(installedFiles)))
	if !confirm(sf, env, "Go ahead?") {
		fmt.Fprintln(env.stdout, "Nothing changed.")
		return exitOK
	}
	var files []string
	fail := func(err error) int {
		env.errorf("setup: %v; nothing further was changed (installed so far: %d files, listed in %s)", err, len(files), filepath.Join(plan.home, filepath.FromSlash(installedFiles)))
		_ = recordInstalled(plan.home, files)
		return exitInternal
	}
	if sf.update && present {
		if err := os.RemoveAll(pkgDir); err != nil {
			return fail(fmt.Errorf("removing the old package %s: %w", pkgDir, err))
		}
	}
	written, err := shim.InstallPackage(plan.sitePackages)
	files = append(files, written...)
	if err != nil {
		return fail(err)
	}
	for _, d := range []string{plan.etc, filepath.Join(plan.etc, "custom_code"), plan.bin, plan.log, filepath.Join(plan.home, "backups")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail(fmt.Errorf("creating %s: %w", d, err))
		}
	}
	keep := func(path string, data []byte) error {
		if _, err := os.Stat(path); err == nil {
			return nil // edited configuration stays
		}
		files = append(files, path)
		return os.WriteFile(path, data, 0o644)
	}
	if err := keep(filepath.Join(plan.etc, conf.DefaultConfigFile), []byte(conf.DefaultProbeConf())); err != nil {
		return fail(err)
	}
	err = fs.WalkDir(points.Files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := points.Files.ReadFile(name)
		if err != nil {
			return err
		}
		return keep(filepath.Join(plan.etc, filepath.FromSlash(name)), data)
	})
	if err != nil {
		return fail(fmt.Errorf("installing the points files: %w", err))
	}
	if err := keep(filepath.Join(plan.etc, "custom_code", "README.txt"), []byte(customCodeReadme)); err != nil {
		return fail(err)
	}
	bin := filepath.Join(plan.bin, exeName(env))
	if err := copySelf(bin); err != nil {
		return fail(err)
	}
	files = append(files, bin)
	if err := recordInstalled(plan.home, files); err != nil {
		return fail(err)
	}
	done := "Installation"
	if sf.update {
		done = "Update"
	}
	fmt.Fprintf(env.stdout, "%s done: %d files. Applications run by %s can now `from hpdiag import pyprobe`.\n", done, len(files), plan.python)
	return exitOK
}

// customCodeReadme goes into etc/custom_code.
const customCodeReadme = `Custom code for the points' before:code and after:code (the guide's chapter 6).
A file NAME.py here is named before:code:NAME; a sub-directory with an __init__.py
holds files named before:code:SUBDIR.NAME. See docs/api.md of hpdiag-trace.
`

func exeName(env *environment) string {
	if env.goos == "windows" {
		return "hpdiag-trace.exe"
	}
	return "hpdiag-trace"
}

// copySelf copies the running binary to target, atomically.
func copySelf(target string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the hpdiag-trace binary: %w", err)
	}
	in, err := os.Open(self)
	if err != nil {
		return fmt.Errorf("reading %s: %w", self, err)
	}
	defer in.Close()
	tmp := target + ".new"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return fmt.Errorf("installing %s: %w", target, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return fmt.Errorf("installing %s: %w", target, err)
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("installing %s: %w", target, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("installing %s: %w", target, err)
	}
	return nil
}

// recordInstalled merges files into home's installed_files list.
func recordInstalled(home string, files []string) error {
	path := filepath.Join(home, filepath.FromSlash(installedFiles))
	old, _ := readInstalled(home)
	seen := map[string]bool{}
	var all []string
	for _, f := range append(old, files...) {
		if !seen[f] {
			seen[f] = true
			all = append(all, f)
		}
	}
	sort.Strings(all)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(strings.Join(all, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func readInstalled(home string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(home, filepath.FromSlash(installedFiles)))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out, nil
}

// setupRemove deletes what setup installed outside home (the hpdiag
// package of every interpreter it went into) and renames home to
// hpdiag.<date>-<time>, as the guide's probe_deinstall.py does.
func setupRemove(home string, sf *setupFlags, env *environment) int {
	files, err := readInstalled(home)
	if err != nil {
		env.errorf("setup --remove: %s: %v; give the --home the agent was installed in", filepath.Join(home, filepath.FromSlash(installedFiles)), err)
		return exitUsage
	}
	var outside []string
	for _, f := range files {
		if rel, err := filepath.Rel(home, f); err != nil || strings.HasPrefix(rel, "..") {
			outside = append(outside, f)
		}
	}
	renamed := fmt.Sprintf("%s.%s", home, time.Now().Format("20060102-150405"))
	fmt.Fprintf(env.stdout, "Remove the HP Diagnostics Python Agent:\n  delete %d installed files outside %s (the hpdiag package)\n  rename %s to %s\n", len(outside), home, home, renamed)
	if !confirm(sf, env, "Go ahead?") {
		fmt.Fprintln(env.stdout, "Nothing changed.")
		return exitOK
	}
	dirs := map[string]bool{}
	for _, f := range outside {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			env.errorf("setup --remove: %v; remove it by hand", err)
			return exitInternal
		}
		// The package's own directories only: up to and including the
		// hpdiag directory the file is in.
		for d := filepath.Dir(f); d != filepath.Dir(d) && strings.Contains(d+string(filepath.Separator), string(filepath.Separator)+shim.PackageName+string(filepath.Separator)); d = filepath.Dir(d) {
			dirs[d] = true
			if filepath.Base(d) == shim.PackageName {
				break
			}
		}
	}
	// Empty package directories, deepest first; __pycache__ goes with them.
	var list []string
	for d := range dirs {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, d := range list {
		_ = os.RemoveAll(filepath.Join(d, "__pycache__"))
		_ = os.Remove(d) // only when empty
	}
	if err := os.Rename(home, renamed); err != nil {
		env.errorf("setup --remove: renaming %s: %v; make sure no probe runs from it (on Windows, no console is open inside it)", home, err)
		return exitInternal
	}
	fmt.Fprintf(env.stdout, "Removed; the configuration is kept in %s.\n", renamed)
	return exitOK
}

// runEncodePassword prints a salted hash for [Probe] password. The
// password is read from stdin (one line) or given as the only argument.
func runEncodePassword(args []string, env *environment) int {
	fs := flag.NewFlagSet("hpdiag-trace encode-password", flag.ContinueOnError)
	fs.Usage = usage(fs, "hpdiag-trace encode-password [PASSWORD]   (without PASSWORD: one line from stdin)")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	var password string
	switch fs.NArg() {
	case 0:
		if env.stdin == nil {
			env.errorf("encode-password: give the password on stdin or as the argument")
			return exitUsage
		}
		line, err := bufio.NewReader(env.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			env.errorf("encode-password: reading stdin: %v", err)
			return exitUsage
		}
		password = strings.TrimRight(line, "\r\n")
	case 1:
		password = fs.Arg(0)
	default:
		env.errorf("encode-password: give one password (quote it if it has spaces)")
		return exitUsage
	}
	if password == "" {
		env.errorf("encode-password: the password is empty")
		return exitUsage
	}
	enc, err := conf.EncodePassword(password)
	if err != nil {
		env.errorf("encode-password: %v", err)
		return exitInternal
	}
	fmt.Fprintln(env.stdout, enc)
	return exitOK
}
