package logging

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// TimedRotator is an io.Writer on a log file that rotates it at timed
// intervals, as Python's TimedRotatingFileHandler: when is S, M, H, D
// (every interval seconds, minutes, hours, days), midnight (every interval
// days at midnight) or W0–W6 (every interval weeks, at midnight before that
// week day, 0 = Monday). The rotated file is named file.<start of its
// period> (%Y-%m-%d_%H-%M-%S, cut to the unit); with backupCount nonzero
// only the newest backupCount are kept.
type TimedRotator struct {
	logFile
	path        string
	when        string
	interval    int
	utc         bool
	backupCount int
	now         func() time.Time

	rollover time.Time
}

// NewTimedRotator opens (appending to) the log file at path. now is the
// clock; nil means time.Now.
func NewTimedRotator(path, when string, interval int, utc bool, backupCount int, now func() time.Time) (*TimedRotator, error) {
	if now == nil {
		now = time.Now
	}
	if interval < 1 {
		interval = 1
	}
	r := &TimedRotator{path: path, when: when, interval: interval, utc: utc, backupCount: backupCount, now: now}
	if _, err := r.step(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	r.f = f
	start := r.clock()
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		start = r.in(st.ModTime()) // as Python: an existing file's period began at its last write
	}
	r.rollover = r.next(start)
	return r, nil
}

func (r *TimedRotator) clock() time.Time { return r.in(r.now()) }

func (r *TimedRotator) in(t time.Time) time.Time {
	if r.utc {
		return t.UTC()
	}
	return t.Local()
}

// step is the length of a plain interval (S, M, H, D) and whether the
// rotation is at midnight (midnight, W0–W6).
func (r *TimedRotator) step() (time.Duration, error) {
	switch r.when {
	case "S":
		return time.Duration(r.interval) * time.Second, nil
	case "M":
		return time.Duration(r.interval) * time.Minute, nil
	case "H":
		return time.Duration(r.interval) * time.Hour, nil
	case "D":
		return time.Duration(r.interval) * 24 * time.Hour, nil
	case "midnight", "W0", "W1", "W2", "W3", "W4", "W5", "W6":
		return 0, nil
	}
	return 0, fmt.Errorf("[Logging] when %q: use S, M, H, D, midnight or W0–W6", r.when)
}

// next is the rollover after t.
func (r *TimedRotator) next(t time.Time) time.Time {
	if d, _ := r.step(); d > 0 {
		return t.Add(d)
	}
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()).AddDate(0, 0, 1)
	if r.when == "midnight" {
		return midnight.AddDate(0, 0, r.interval-1)
	}
	day := int(r.when[1] - '0')         // 0 = Monday
	today := (int(t.Weekday()) + 6) % 7 // 0 = Monday
	ahead := (day - today + 7) % 7      // days until that week day
	return midnight.AddDate(0, 0, ahead-1+7*(r.interval-1)+boolInt(ahead == 0)*7)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// suffix is the time format of rotated names, cut to the unit of when.
func (r *TimedRotator) suffix() string {
	switch r.when {
	case "S":
		return "2006-01-02_15-04-05"
	case "M":
		return "2006-01-02_15-04"
	case "H":
		return "2006-01-02_15"
	}
	return "2006-01-02"
}

// Write writes p, rotating first when the rollover time has passed.
func (r *TimedRotator) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if now := r.clock(); !now.Before(r.rollover) {
		if err := r.rotate(now); err != nil {
			return 0, err
		}
	}
	return r.f.Write(p)
}

func (r *TimedRotator) rotate(now time.Time) error {
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("log rotation: %w", err)
	}
	r.f = nil
	// The period that ends is named by its start, as Python does.
	var start time.Time
	if d, _ := r.step(); d > 0 {
		start = r.rollover.Add(-d)
	} else if r.when == "midnight" {
		start = r.rollover.AddDate(0, 0, -r.interval)
	} else {
		start = r.rollover.AddDate(0, 0, -7*r.interval)
	}
	dst := r.path + "." + start.Format(r.suffix())
	os.Remove(dst)
	renameErr := os.Rename(r.path, dst)
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	r.f = f
	for r.rollover = r.next(r.rollover); !now.Before(r.rollover); r.rollover = r.next(r.rollover) {
	}
	r.prune()
	if renameErr != nil {
		return fmt.Errorf("log rotation: %w", renameErr)
	}
	return nil
}

// prune deletes the oldest rotated files beyond backupCount.
func (r *TimedRotator) prune() {
	if r.backupCount <= 0 {
		return
	}
	dir, base := filepath.Split(r.path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var old []string
	layout := r.suffix()
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), base+".")
		if !ok {
			continue
		}
		if _, err := time.Parse(layout, rest); err == nil {
			old = append(old, e.Name())
		}
	}
	slices.Sort(old) // the suffix sorts by time
	for len(old) > r.backupCount {
		os.Remove(filepath.Join(dir, old[0]))
		old = old[1:]
	}
}
