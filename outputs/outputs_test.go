package outputs

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

func load(t *testing.T, text string) *conf.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "probe.conf")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := conf.LoadProbeConf(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func quiet() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func noEnv(string) string { return "" }

func TestPrepareErrorsNameProbeConf(t *testing.T) {
	tests := []struct {
		name, conf, want string
	}{
		{"unwritable log file", "[Logging]\nfile = /proc/hpdiag/probe.log\n", "probe.conf: [Logging] file /proc/hpdiag/probe.log"},
		{"reversible password", "[Probe]\nhttpserver_port = 1\npassword = c2VjcmV0\n", "[Probe] password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Prepare(context.Background(), Options{Config: load(t, tt.conf), Getenv: noEnv, Log: quiet()})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Prepare = %v, want %q", err, tt.want)
			}
		})
	}
}

// Without a mediator, HTTP server or collector configured, the outputs
// start nothing and leave the report as it is.
func TestNothingConfigured(t *testing.T) {
	o, err := Prepare(context.Background(), Options{Config: load(t, "[Logging]\nfile = "+filepath.Join(t.TempDir(), "p.log")+"\n"),
		Getenv: noEnv, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if o.Sink() != nil {
		t.Error("a sink without a mediator")
	}
	p := pipeline.New(pipeline.Options{})
	p.Start(context.Background())
	if err := o.Start(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	r := p.Close()
	if err := o.Finish(r); err != nil {
		t.Fatal(err)
	}
	if r.Mediator != nil || r.SystemMetrics != nil {
		t.Errorf("report parts without outputs: %+v %+v", r.Mediator, r.SystemMetrics)
	}
}
