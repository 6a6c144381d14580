package shim

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// pythonFiles is the Python half of the engine: the bootstrap
// (sitecustomize.py) and the shim package (_hpdiag_shim). Named file by file
// because a directory pattern would skip names starting with '_'.
//
//go:embed python/sitecustomize.py python/_hpdiag_shim/*.py
var pythonFiles embed.FS

// pythonRoot is the directory of pythonFiles that goes on PYTHONPATH.
const pythonRoot = "python"

// extract writes the embedded Python files into a new private directory
// (mode 0700) under parent ("" means the system's temporary directory) and
// returns its path.
func extract(parent string) (string, error) {
	dir, err := os.MkdirTemp(parent, "hpdiag-shim-")
	if err != nil {
		return "", fmt.Errorf("creating the shim's directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("creating the shim's directory: %w", err)
	}
	err = fs.WalkDir(pythonFiles, pythonRoot, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(pythonRoot, filepath.FromSlash(name))
		if err != nil {
			return err
		}
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		data, err := pythonFiles.ReadFile(name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("extracting the shim into %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("extracting the shim: %w", err)
	}
	return abs, nil
}
