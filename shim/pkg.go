package shim

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
)

// packageFiles is the hpdiag package that `hpdiag-trace setup` installs into
// an interpreter's site-packages: hpdiag.pyprobe (the guide's in-process
// API) and the collector starter. The shim engine goes with it as
// hpdiag/_engine, a copy of _hpdiag_shim, for pyprobe.init() outside
// hpdiag-trace.
//
//go:embed python/hpdiag/*.py
var packageFiles embed.FS

// PackageName is the top-level package InstallPackage writes.
const PackageName = "hpdiag"

// PackageFiles returns the files of the hpdiag package, by slash-separated
// path relative to site-packages (hpdiag/pyprobe.py, hpdiag/_engine/core.py
// ...), sorted.
func PackageFiles() (map[string][]byte, []string, error) {
	files := map[string][]byte{}
	add := func(src fs.FS, root, dest string) error {
		return fs.WalkDir(src, root, func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(src, name)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, name)
			files[path.Join(dest, filepath.ToSlash(rel))] = data
			return nil
		})
	}
	if err := add(packageFiles, "python/hpdiag", "hpdiag"); err != nil {
		return nil, nil, fmt.Errorf("reading the embedded hpdiag package: %w", err)
	}
	if err := add(pythonFiles, "python/_hpdiag_shim", "hpdiag/_engine"); err != nil {
		return nil, nil, fmt.Errorf("reading the embedded shim engine: %w", err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return files, names, nil
}

// InstallPackage writes the hpdiag package under dir (a site-packages
// directory) and returns the paths it wrote, sorted. Existing files of the
// package are replaced.
func InstallPackage(dir string) ([]string, error) {
	files, names, err := PackageFiles()
	if err != nil {
		return nil, err
	}
	var written []string
	for _, n := range names {
		target := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return written, fmt.Errorf("installing %s: %w", target, err)
		}
		if err := os.WriteFile(target, files[n], 0o644); err != nil {
			return written, fmt.Errorf("installing %s: %w", target, err)
		}
		written = append(written, target)
	}
	return written, nil
}
