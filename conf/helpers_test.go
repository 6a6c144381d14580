package conf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTemp writes content to a file named name in a new temporary directory.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// collect returns a Warner that keeps what it is given.
func collect() (Warner, *[]*Error) {
	var got []*Error
	return func(w *Error) { got = append(got, w) }, &got
}

// wantError checks that err is an *Error at file:line whose message
// contains every string of msg and whose fix contains fix.
func wantError(t *testing.T, err error, file string, line int, fix string, msg ...string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a *conf.Error", err, err)
	}
	checkError(t, e, file, line, fix, msg...)
}

func checkError(t *testing.T, e *Error, file string, line int, fix string, msg ...string) {
	t.Helper()
	if e.File != file || e.Line != line {
		t.Errorf("%v: at %s:%d, want %s:%d", e, e.File, e.Line, file, line)
	}
	if !strings.HasPrefix(e.Error(), fmt.Sprintf("%s:%d: ", file, line)) {
		t.Errorf("%q does not start with %s:%d", e.Error(), file, line)
	}
	for _, m := range msg {
		if !strings.Contains(e.Msg, m) {
			t.Errorf("message %q does not contain %q", e.Msg, m)
		}
	}
	if fix == "" {
		t.Errorf("test case names no fix for %q", e.Msg)
	} else if !strings.Contains(e.Fix, fix) {
		t.Errorf("fix %q does not contain %q", e.Fix, fix)
	}
}
