package logging

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func files(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// RotatingFileHandler: by size, backups shifted, the oldest deleted.
func TestSizeRotator(t *testing.T) {
	tests := []struct {
		name        string
		maxBytes    int64
		backupCount int
		writes      []string
		want        map[string]string // file -> content
	}{
		{"rotates and keeps backup_count", 10, 2,
			[]string{"aaaaaa\n", "bbbbbb\n", "cccccc\n", "dddddd\n"},
			map[string]string{"p.log": "dddddd\n", "p.log.1": "cccccc\n", "p.log.2": "bbbbbb\n"}},
		{"fits: no rotation", 100, 2,
			[]string{"aaaaaa\n", "bbbbbb\n"},
			map[string]string{"p.log": "aaaaaa\nbbbbbb\n"}},
		{"backup_count 0 never rotates", 10, 0,
			[]string{"aaaaaa\n", "bbbbbb\n"},
			map[string]string{"p.log": "aaaaaa\nbbbbbb\n"}},
		{"a write larger than the bound goes alone", 4, 1,
			[]string{"aaaaaaaa\n", "bb\n"},
			map[string]string{"p.log": "bb\n", "p.log.1": "aaaaaaaa\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "p.log")
			r, err := NewSizeRotator(path, tt.maxBytes, tt.backupCount)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.writes {
				if _, err := r.Write([]byte(w)); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			var want []string
			for name, content := range tt.want {
				want = append(want, name)
				if got := read(t, filepath.Join(dir, name)); got != content {
					t.Errorf("%s = %q, want %q", name, got, content)
				}
			}
			slices.Sort(want)
			if got := files(t, dir); !slices.Equal(got, want) {
				t.Errorf("files %v, want %v", got, want)
			}
		})
	}
}

// TimedRotatingFileHandler: each unit of when, interval, utc, backup_count.
func TestTimedRotator(t *testing.T) {
	base := time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC) // a Monday
	tests := []struct {
		name        string
		when        string
		interval    int
		backupCount int
		steps       []time.Duration // clock offsets of successive writes
		want        []string        // files at the end
	}{
		{"seconds", "S", 10, 0, []time.Duration{0, 5 * time.Second, 11 * time.Second, 25 * time.Second},
			[]string{"p.log", "p.log.2026-03-02_10-30-00", "p.log.2026-03-02_10-30-10"}},
		{"minutes, backup_count 1", "M", 1, 1, []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute},
			[]string{"p.log", "p.log.2026-03-02_10-32"}},
		{"hours", "H", 2, 0, []time.Duration{0, time.Hour, 2 * time.Hour},
			[]string{"p.log", "p.log.2026-03-02_10"}},
		{"days", "D", 1, 0, []time.Duration{0, 23 * time.Hour, 25 * time.Hour},
			[]string{"p.log", "p.log.2026-03-02"}},
		{"midnight", "midnight", 1, 0, []time.Duration{0, 13 * time.Hour, 14 * time.Hour, 38 * time.Hour},
			[]string{"p.log", "p.log.2026-03-02", "p.log.2026-03-03"}},
		{"weekday W2 (Wednesday)", "W2", 1, 0, []time.Duration{0, 24 * time.Hour, 38 * time.Hour},
			[]string{"p.log", "p.log.2026-02-25"}},
		{"no write across a period: one rotation", "S", 1, 0, []time.Duration{0, time.Hour},
			[]string{"p.log", "p.log.2026-03-02_10-30-00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "p.log")
			var now time.Time
			clock := func() time.Time { return now }
			now = base
			r, err := NewTimedRotator(path, tt.when, tt.interval, true, tt.backupCount, clock)
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range tt.steps {
				now = base.Add(d)
				if _, err := r.Write([]byte(strings.Repeat("x", i+1) + "\n")); err != nil {
					t.Fatal(err)
				}
			}
			r.Close()
			if got := files(t, dir); !slices.Equal(got, tt.want) {
				t.Errorf("files %v, want %v", got, tt.want)
			}
			last := strings.Repeat("x", len(tt.steps)) + "\n"
			if got := read(t, path); !strings.HasSuffix(got, last) {
				t.Errorf("current file %q lacks the last write", got)
			}
		})
	}
	if _, err := NewTimedRotator(filepath.Join(t.TempDir(), "p.log"), "fortnight", 1, true, 0, nil); err == nil {
		t.Error("when=fortnight accepted")
	}
}
