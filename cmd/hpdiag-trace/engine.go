package main

import (
	"context"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/logging"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/outputs"
	"github.com/hpdiag/hpdiag-trace/pipeline"
	"github.com/hpdiag/hpdiag-trace/shim"
)

// tracingRun is what a run shares whatever the engine: the pipeline the
// engine feeds and the outputs around it (log file, mediator, probe HTTP
// server, system metrics).
type tracingRun struct {
	pipe *pipeline.Pipeline
	outs *outputs.Outputs
	log  logrus.FieldLogger
}

// startRun prepares the outputs, starts a pipeline for engine and starts
// the outputs on it. Its errors are the configuration's (exit 2).
func startRun(ctx context.Context, setup *setup, env *environment, log *logrus.Logger, engine string) (*tracingRun, error) {
	outs, err := outputs.Prepare(ctx, outputs.Options{Config: setup.config, Getenv: env.getenv, Log: log, ProbeID: probeID(setup), Engine: engine})
	if err != nil {
		return nil, err
	}
	pipe := pipeline.New(pipeline.Options{
		Config:    setup.config,
		Log:       log.WithField(logging.ComponentKey, "hpdiag.pipeline"),
		ProbeID:   probeID(setup),
		Engine:    engine,
		Fragments: outs.Sink(),
	})
	pipe.Start(ctx)
	if err := outs.Start(ctx, pipe); err != nil {
		_ = outs.Finish(pipe.Close())
		return nil, err
	}
	return &tracingRun{pipe: pipe, outs: outs, log: log}, nil
}

// finish closes the pipeline, has the outputs send and write what they
// hold, and returns the final report.
func (r *tracingRun) finish() *pipeline.Report {
	report := r.pipe.Close()
	if err := r.outs.Finish(report); err != nil {
		r.log.Warnf("%s", err)
	}
	return report
}

// startShimEngine starts the shim engine's Server for a run configured by
// setup, feeding pipe; token is the shims' secret ("" for a new one). The
// caller closes the Server before the run.
func startShimEngine(ctx context.Context, setup *setup, log *logrus.Logger, token string, pipe *pipeline.Pipeline) (*shim.Server, error) {
	m := matcher.New(setup.points, matcher.Options{})
	probe := setup.config.Probe
	return shim.Start(ctx, shim.Options{
		Matcher:                  m,
		Points:                   setup.points,
		Sink:                     pipe,
		Log:                      log.WithField(logging.ComponentKey, "hpdiag.shim"),
		TraceShimThreads:         probe.InstrumentPyprobeThreads,
		ManualInstrument:         !probe.AutoInstrument,
		InstrumentLoadedModules:  probe.InstrumentLoadedModules,
		ErrorOnDuplicateLocation: probe.ErrorOnDuplicateLocation,
		CustomCodeDir:            setup.customCode,
		Token:                    token,
	})
}
