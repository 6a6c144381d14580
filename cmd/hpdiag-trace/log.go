package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"
)

// newLogger returns the tracer's own logger: one plain line per message on w,
// prefixed "hpdiag-trace:", so its messages read like the rest of its output.
func newLogger(w io.Writer, level logrus.Level) *logrus.Logger {
	return &logrus.Logger{
		Out:       w,
		Formatter: lineFormatter{},
		Hooks:     make(logrus.LevelHooks),
		Level:     level,
	}
}

// lineFormatter writes "hpdiag-trace: [level: ]message key=value ...".
type lineFormatter struct{}

func (lineFormatter) Format(e *logrus.Entry) ([]byte, error) {
	var b strings.Builder
	b.WriteString("hpdiag-trace: ")
	if e.Level != logrus.InfoLevel {
		b.WriteString(e.Level.String())
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	keys := make([]string, 0, len(e.Data))
	for k := range e.Data {
		if k != "component" { // for the log file's level_exceptions, not the terminal
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, e.Data[k])
	}
	b.WriteByte('\n')
	return []byte(b.String()), nil
}
