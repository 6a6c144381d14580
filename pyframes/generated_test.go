package pyframes

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestGeneratedUpToDate re-runs the generator into a temporary file and
// compares it with layouts_generated.go: regeneration must give no diff.
func TestGeneratedUpToDate(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		skipOrFail(t, "go command not found: %v", err)
	}
	cc := "gcc"
	if _, err := exec.LookPath(cc); err != nil {
		skipOrFail(t, "C compiler %s not found: %v", cc, err)
	}
	out := filepath.Join(t.TempDir(), "layouts_generated.go")
	cmd := exec.Command(goBin, "run", "./gen", "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		// The generator fails when a version's headers are missing.
		if bytes.Contains(msg, []byte("no headers for Python")) {
			skipOrFail(t, "headers missing: %s", msg)
		}
		t.Fatalf("go run ./gen: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("layouts_generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("layouts_generated.go is out of date: run `go generate ./pyframes/` (or `make generate`)\n%s", firstDiff(want, got))
	}
}

// firstDiff shows the first differing line.
func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) {
			return "line " + itoa(i+1) + ":\n  committed:   " + string(x) + "\n  regenerated: " + string(y)
		}
	}
	return ""
}

func itoa(i int) string { return strconv.Itoa(i) }
