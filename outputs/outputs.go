// Package outputs starts and stops, around one pipeline, everything the
// tracer sends its findings to besides the final report: the log file
// ([Logging]), the mediator (OTLP), the probe HTTP server and the system
// metrics collector. It is engine-neutral: any engine's run calls Prepare
// before building the pipeline, Start once it runs and Finish with the
// final report.
package outputs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/logging"
	"github.com/hpdiag/hpdiag-trace/mediator"
	"github.com/hpdiag/hpdiag-trace/pipeline"
	"github.com/hpdiag/hpdiag-trace/probehttp"
	"github.com/hpdiag/hpdiag-trace/sysmetrics"
)

// Options configure the outputs.
type Options struct {
	Config  *conf.Config
	Getenv  func(string) string // nil: os.Getenv
	Log     *logrus.Logger      // the tracer's logger; the log file is attached to it
	ProbeID string              // expanded probe_id
	Engine  string
	// CloseTimeout bounds Finish's flush of the mediator; what is not sent
	// by then stays in the on-disk buffer for the next run. 0 means 10 s.
	CloseTimeout time.Duration
}

// Outputs are the running outputs of one tracing run.
type Outputs struct {
	opts    Options
	log     logrus.FieldLogger
	logFile *logging.File
	detach  func()
	med     *mediator.Mediator
	sys     *sysmetrics.Collector
	http    *probehttp.Server
	pipe    *pipeline.Pipeline
}

// Prepare opens the log file and the mediator export, which must exist
// before the pipeline (Sink goes into pipeline.Options.Fragments). A
// configuration error names probe.conf and the fix.
func Prepare(ctx context.Context, opts Options) (*Outputs, error) {
	if opts.Config == nil {
		opts.Config = conf.Defaults()
	}
	if opts.Log == nil {
		opts.Log = logrus.New()
	}
	o := &Outputs{opts: opts, log: opts.Log.WithField(logging.ComponentKey, "hpdiag.trace")}
	cfg := opts.Config
	where := cfg.File
	if where == "" {
		where = "probe.conf"
	}
	if err := Check(cfg, opts.Getenv); err != nil {
		return nil, err
	}
	if err := o.openLog(where); err != nil {
		return nil, err
	}
	set, err := mediator.Resolve(cfg, opts.Getenv)
	if err != nil {
		o.closeLog()
		return nil, err
	}
	if set.Enabled {
		mediator.RouteOTelErrors(opts.Log.WithField(logging.ComponentKey, "hpdiag.mediator"))
		o.med, err = mediator.New(ctx, mediator.Options{
			Settings: set, Config: cfg, ProbeID: opts.ProbeID, Engine: opts.Engine,
			Log:      opts.Log.WithField(logging.ComponentKey, "hpdiag.mediator"),
			Snapshot: o.snapshotPlain,
			System:   o.latestSample,
		})
		if err != nil {
			o.closeLog()
			return nil, fmt.Errorf("%s: [Mediator]: %w", where, err)
		}
		o.log.Debugf("mediator: %s %s, channeltype %s, buffer %s", set.Protocol, set.Endpoint, set.ChannelType, set.BufferDir)
	}
	if c := cfg.SystemMetricsCollector; c.Enabled {
		o.sys, err = sysmetrics.New(sysmetrics.Options{Rate: c.SamplingRate, Metrics: cfg.SystemMetrics, ConfigFile: where,
			Log: opts.Log.WithField(logging.ComponentKey, "hpdiag.sysmetrics")})
		if err != nil {
			o.abort(ctx)
			return nil, err
		}
	}
	return o, nil
}

// openLog opens [Logging] file when probe.conf names it, or when the
// default's directory exists (made by setup). A file probe.conf names that
// cannot be opened is an error; a missing default directory only a debug
// note.
func (o *Outputs) openLog(where string) error {
	lc := o.opts.Config.Logging
	explicit := o.opts.Config.IsSet("Logging", "file")
	if !explicit {
		if _, err := os.Stat(dirOf(lc.File)); err != nil {
			o.log.Debugf("no log file: %s does not exist (hpdiag-trace setup makes it, or set [Logging] file)", dirOf(lc.File))
			return nil
		}
	}
	f, err := logging.Open(lc, nil)
	if err != nil {
		if !explicit {
			o.log.Debugf("no log file: %v", err)
			return nil
		}
		return fmt.Errorf("%s: %w; set [Logging] file to a writable path", where, err)
	}
	o.logFile = f
	o.detach = logging.Attach(o.opts.Log, f)
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			if i == 0 {
				return path[:1]
			}
			return path[:i]
		}
	}
	return "."
}

// Sink is the mediator's fragment sink for pipeline.Options.Fragments, nil
// when no mediator is configured.
func (o *Outputs) Sink() pipeline.FragmentSink {
	if o.med == nil {
		return nil
	}
	return o.med
}

// Start starts what reads the running pipeline: the system metrics
// collector and the probe HTTP server.
func (o *Outputs) Start(ctx context.Context, pipe *pipeline.Pipeline) error {
	o.pipe = pipe
	cfg := o.opts.Config
	if o.sys != nil {
		// The collector's sysmetrics.Options.PIDs is set here, when the
		// pipeline exists.
		o.sys.SetPIDs(pipe.PIDs)
		o.sys.Start(ctx)
	}
	if port := cfg.Probe.HTTPServerPort; port > 0 {
		srv, err := probehttp.Start(probehttp.Options{
			Address: cfg.Probe.HTTPServerAddress, Port: port,
			Username: cfg.Probe.Username, Password: cfg.Probe.Password,
			ConfigFile: cfg.File, Snapshot: o.Snapshot,
			Log: o.opts.Log.WithField(logging.ComponentKey, "hpdiag.probehttp"),
		})
		if err != nil {
			return err
		}
		o.http = srv
		o.log.Infof("probe HTTP server on http://%s (/metrics, /status, /api/report)", srv.Addr())
	}
	return nil
}

// Snapshot is the live report with the outputs' parts.
func (o *Outputs) Snapshot() *pipeline.Report {
	r := o.snapshotPlain()
	o.fill(r)
	return r
}

func (o *Outputs) snapshotPlain() *pipeline.Report {
	if o.pipe == nil {
		return &pipeline.Report{}
	}
	return o.pipe.Snapshot()
}

func (o *Outputs) latestSample() *pipeline.SystemSample {
	if o.sys == nil {
		return nil
	}
	return o.sys.Latest()
}

// fill adds the mediator and system metrics parts to a report.
func (o *Outputs) fill(r *pipeline.Report) {
	if o.med != nil {
		st := o.med.Stats()
		r.Mediator = &st
	}
	if o.sys != nil {
		r.SystemMetrics = o.sys.Report()
	}
}

// Finish stops the outputs, flushes the mediator (within CloseTimeout) and
// adds their parts to the final report. The log file closes last.
func (o *Outputs) Finish(r *pipeline.Report) error {
	timeout := o.opts.CloseTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if o.sys != nil {
		o.sys.Close()
	}
	if o.http != nil {
		errs = append(errs, o.http.Close(ctx))
	}
	if o.med != nil {
		errs = append(errs, o.med.Close(ctx))
	}
	if r != nil {
		o.fill(r)
		if m := r.Mediator; m != nil && (m.SpansOverflowed > 0 || m.SpansPending > 0) {
			o.log.Warnf("mediator %s: %d spans lost (buffer full), %d still in %s for the next run",
				m.Endpoint, m.SpansOverflowed, m.SpansPending, m.BufferDir)
		}
	}
	o.closeLog()
	return errors.Join(errs...)
}

// abort undoes Prepare.
func (o *Outputs) abort(ctx context.Context) {
	if o.med != nil {
		_ = o.med.Close(ctx)
	}
	o.closeLog()
}

func (o *Outputs) closeLog() {
	if o.logFile != nil {
		o.detach()
		_ = o.logFile.Close()
		o.logFile = nil
	}
}
