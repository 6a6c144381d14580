package logging

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pyre"
)

// ComponentKey is the logrus field naming an entry's component.
const ComponentKey = "component"

// Level maps a guide level (CRITICAL, ERROR, WARNING, INFO, DEBUG) to a
// logrus threshold; CRITICAL lets only fatal entries through.
func Level(name string) (logrus.Level, error) {
	switch strings.ToUpper(name) {
	case "CRITICAL":
		return logrus.FatalLevel, nil
	case "ERROR":
		return logrus.ErrorLevel, nil
	case "WARNING", "WARN":
		return logrus.WarnLevel, nil
	case "INFO":
		return logrus.InfoLevel, nil
	case "DEBUG":
		return logrus.DebugLevel, nil
	}
	return 0, fmt.Errorf("level %q: use CRITICAL, ERROR, WARNING, INFO or DEBUG", name)
}

// exception is a compiled level_exceptions entry.
type exception struct {
	re    *pyre.Regexp
	level logrus.Level
}

// File is the probe's log file with its levels: a logrus hook writing the
// entries each component's level lets through.
type File struct {
	w          io.WriteCloser
	path       string
	level      logrus.Level
	exceptions []exception
	formatter  logrus.Formatter

	mu    sync.Mutex
	cache map[string]logrus.Level // component -> level
}

// Open opens the log file [Logging] describes, with its rotation. now is
// the clock of the timed rotation (nil: time.Now).
func Open(c conf.Logging, now func() time.Time) (*File, error) {
	level, err := Level(c.Level)
	if err != nil {
		return nil, fmt.Errorf("[Logging] %w", err)
	}
	f := &File{path: c.File, level: level, cache: map[string]logrus.Level{},
		formatter: &logrus.TextFormatter{DisableColors: true, FullTimestamp: true, TimestampFormat: time.RFC3339Nano}}
	for _, le := range c.LevelExceptions {
		// level_exceptions match as re.match: at the start of the name.
		re, err := pyre.Compile(`\A(?:` + le.Pattern + `)`)
		if err != nil {
			return nil, fmt.Errorf("[Logging] level_exceptions %q: %w", le.Pattern, err)
		}
		lv, err := Level(le.Level)
		if err != nil {
			return nil, fmt.Errorf("[Logging] level_exceptions %q: %w", le.Pattern, err)
		}
		f.exceptions = append(f.exceptions, exception{re, lv})
	}
	if err := os.MkdirAll(filepath.Dir(c.File), 0o755); err != nil {
		return nil, fmt.Errorf("[Logging] file %s: %w", c.File, err)
	}
	switch c.Class {
	case "TimedRotatingFileHandler":
		f.w, err = NewTimedRotator(c.File, c.When, c.Interval, c.UTC, c.BackupCount, now)
	default:
		f.w, err = NewSizeRotator(c.File, int64(c.MaxFileSizeMB)<<20, c.BackupCount)
	}
	if err != nil {
		return nil, fmt.Errorf("[Logging] file %s: %w", c.File, err)
	}
	return f, nil
}

// Path is the log file's name.
func (f *File) Path() string { return f.path }

// LevelOf is the level of a component: the first level_exceptions pattern
// matching its name, else the default level.
func (f *File) LevelOf(component string) logrus.Level {
	f.mu.Lock()
	defer f.mu.Unlock()
	if lv, ok := f.cache[component]; ok {
		return lv
	}
	lv := f.level
	for _, e := range f.exceptions {
		if e.re.MatchString(component) {
			lv = e.level
			break
		}
	}
	f.cache[component] = lv
	return lv
}

// MaxLevel is the most verbose level of any component.
func (f *File) MaxLevel() logrus.Level {
	lv := f.level
	for _, e := range f.exceptions {
		lv = max(lv, e.level)
	}
	return lv
}

// Levels is every level: the hook filters per component.
func (f *File) Levels() []logrus.Level { return logrus.AllLevels }

// Fire writes an entry its component's level lets through.
func (f *File) Fire(e *logrus.Entry) error {
	comp, _ := e.Data[ComponentKey].(string)
	if comp == "" {
		comp = "hpdiag.trace"
	}
	if e.Level > f.LevelOf(comp) {
		return nil
	}
	b, err := f.formatter.Format(e)
	if err != nil {
		return err
	}
	_, err = f.w.Write(b)
	return err
}

// Close closes the file.
func (f *File) Close() error { return f.w.Close() }

// Attach makes l write to the log file too. l keeps its own output and
// level for what it already wrote (the terminal); the file gets each
// component's level. l's level is raised to the file's most verbose one,
// and l's former output becomes a hook filtered at l's former level.
// detach restores l as it was; call it before closing f.
func Attach(l *logrus.Logger, f *File) (detach func()) {
	out, level := l.Out, l.Level
	hooks := make(logrus.LevelHooks)
	for lv, hs := range l.Hooks {
		hooks[lv] = append([]logrus.Hook(nil), hs...)
	}
	term := &writerHook{w: out, level: level, formatter: l.Formatter}
	l.SetOutput(io.Discard)
	l.AddHook(term)
	l.AddHook(f)
	l.SetLevel(max(level, f.MaxLevel()))
	return func() {
		l.ReplaceHooks(hooks)
		l.SetOutput(out)
		l.SetLevel(level)
	}
}

// writerHook writes entries up to a level to a writer.
type writerHook struct {
	mu        sync.Mutex
	w         io.Writer
	level     logrus.Level
	formatter logrus.Formatter
}

func (h *writerHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h *writerHook) Fire(e *logrus.Entry) error {
	if e.Level > h.level {
		return nil
	}
	b, err := h.formatter.Format(e)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err = h.w.Write(b)
	return err
}
