package logging

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
)

func TestLevelExceptionsAndAttach(t *testing.T) {
	c := conf.Defaults().Logging
	c.File = filepath.Join(t.TempDir(), "sub", "probe.log")
	c.Level = "WARNING"
	c.LevelExceptions = []conf.LevelException{
		{Pattern: `hpdiag\.mediator.*`, Level: "DEBUG"},
		{Pattern: `hpdiag\.m`, Level: "ERROR"}, // later: never reached for mediator
		{Pattern: `probehttp`, Level: "DEBUG"}, // re.match: not at the start
	}
	f, err := Open(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for comp, want := range map[string]logrus.Level{
		"hpdiag.mediator":  logrus.DebugLevel,
		"hpdiag.matcher":   logrus.ErrorLevel,
		"hpdiag.probehttp": logrus.WarnLevel,
		"hpdiag.pipeline":  logrus.WarnLevel,
	} {
		if got := f.LevelOf(comp); got != want {
			t.Errorf("LevelOf(%s) = %v, want %v", comp, got, want)
		}
	}
	var term bytes.Buffer
	l := logrus.New()
	l.SetOutput(&term)
	l.SetLevel(logrus.WarnLevel)
	detach := Attach(l, f)
	defer detach()
	l.WithField(ComponentKey, "hpdiag.mediator").Debug("mediator detail")
	l.WithField(ComponentKey, "hpdiag.pipeline").Debug("pipeline detail")
	l.WithField(ComponentKey, "hpdiag.pipeline").Warn("pipeline warning")
	f.Close()
	file := read(t, c.File)
	for _, tt := range []struct {
		where, text, msg string
		want             bool
	}{
		{"file", file, "mediator detail", true},
		{"file", file, "pipeline detail", false},
		{"file", file, "pipeline warning", true},
		{"terminal", term.String(), "mediator detail", false},
		{"terminal", term.String(), "pipeline warning", true},
	} {
		if got := strings.Contains(tt.text, tt.msg); got != tt.want {
			t.Errorf("%s has %q: %v, want %v\n%s", tt.where, tt.msg, got, tt.want, tt.text)
		}
	}
	if _, err := Open(conf.Logging{File: c.File, Level: "LOUD"}, nil); err == nil {
		t.Error("level LOUD accepted")
	}
}
