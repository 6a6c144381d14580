package shim

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pyre"
)

// pointsQ carries the points a process created in code through the
// pyprobe API (decorators, PointList), at instrument time.
type pointsQ struct {
	Points []apiPoint `json:"points"`
}

// apiPoint is one point created in code: its arguments as written and
// where it was created.
type apiPoint struct {
	Name string          `json:"name"`
	File string          `json:"file"`
	Line int             `json:"line"`
	Args []conf.PointArg `json:"args"`
}

// pointsA answers pointsQ: the points the tracer rejected (one message
// each, naming the file:line and the fix) and the locations that already
// had a point. Methods are the method patterns of the accepted points,
// for the shim's name pre-check.
type pointsA struct {
	Errors     []string `json:"errors"`
	Duplicates []string `json:"duplicates"`
	Methods    []string `json:"methods"`
}

// logQ is a message of the shim for the tracer's log: custom code that
// raised, a custom code file that cannot be imported.
type logQ struct {
	Level   string `json:"level"` // debug, info, warning, error
	Message string `json:"message"`
}

// location is what makes two points select the same code: their module,
// class and method patterns.
func location(p *conf.Point) string {
	return p.Module.String() + "\x00" + orNone(p.Class) + "\x00" + p.Method.String()
}

// points parses a process's points created in code and, from now on,
// matches its code objects against the Server's points followed by them.
func (cn *conn) points(payload []byte) error {
	var q pointsQ
	if err := json.Unmarshal(payload, &q); err != nil {
		return fmt.Errorf("unreadable points: %w", err)
	}
	seen := map[string]*conf.Point{}
	for _, p := range cn.matcher.Points() {
		seen[location(p)] = p
	}
	var a pointsA
	var added []*conf.Point
	warn := func(e *conf.Error) { cn.log.Warn(e.Error()) }
	for _, ap := range q.Points {
		p, err := conf.PointFromArgs(ap.Name, ap.Args, ap.File, ap.Line, warn)
		if err != nil {
			a.Errors = append(a.Errors, err.Error())
			cn.log.Warnf("shim: %s", err)
			continue
		}
		if prev, dup := seen[location(p)]; dup {
			msg := fmt.Sprintf("%s:%d: pyprobe point %s selects the same location (module %s, class %s, method %s) as point [%s] at %s:%d",
				p.File, p.Line, p.Name, p.Module, orNone(p.Class), p.Method, prev.Name, prev.File, prev.Line)
			a.Duplicates = append(a.Duplicates, msg)
			if cn.s.opts.ErrorOnDuplicateLocation {
				continue
			}
			cn.log.Warn(msg + "; the first one is used (error_on_duplicate_location = true makes this an error)")
			continue
		}
		seen[location(p)] = p
		added = append(added, p)
		a.Methods = append(a.Methods, p.Method.String())
	}
	if len(added) > 0 {
		cn.api = append(cn.api, added...)
		cn.matcher = cn.s.opts.Matcher.With(cn.api)
		names := make([]string, len(added))
		for i, p := range added {
			names[i] = p.Name
		}
		cn.log.WithField("points", strings.Join(names, ", ")).Debug("shim: points created in code")
	}
	return writeJSON(cn.c, frameAccepted, a)
}

// orNone shows a point's class pattern, or that it has none.
func orNone(re *pyre.Regexp) string {
	if re == nil {
		return "(none)"
	}
	return re.String()
}

func (cn *conn) logMessage(payload []byte) error {
	var q logQ
	if err := json.Unmarshal(payload, &q); err != nil {
		return fmt.Errorf("unreadable log message: %w", err)
	}
	level, err := logrus.ParseLevel(q.Level)
	if err != nil {
		level = logrus.WarnLevel
	}
	switch level {
	case logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel:
		cn.log.Error("shim: " + q.Message)
	case logrus.WarnLevel:
		cn.log.Warn("shim: " + q.Message)
	case logrus.InfoLevel:
		cn.log.Info("shim: " + q.Message)
	default:
		cn.log.Debug("shim: " + q.Message)
	}
	return nil
}
