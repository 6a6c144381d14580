package points

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// Every out-of-the-box file parses, with its includes, and defines points.
func TestFilesParse(t *testing.T) {
	dir := t.TempDir()
	names, err := fs.Glob(Files, "*.point")
	if err != nil || len(names) < 12 {
		t.Fatalf("points files %v (%v), want the 12 or more of points/", names, err)
	}
	for _, n := range names {
		b, _ := Files.ReadFile(n)
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			var warnings []string
			ps, err := conf.LoadPoints(filepath.Join(dir, n), func(w *conf.Error) { warnings = append(warnings, w.Error()) })
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 || len(warnings) > 0 {
				t.Errorf("%d points, warnings %q", len(ps), warnings)
			}
		})
	}
}
