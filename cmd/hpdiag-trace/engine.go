package main

import (
	"context"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
	"github.com/hpdiag/hpdiag-trace/shim"
)

// startShimEngine starts the pipeline and the shim engine's Server for a
// run configured by setup; token is the shims' secret ("" for a new one).
// The caller closes the Server and then the pipeline.
func startShimEngine(ctx context.Context, setup *setup, log *logrus.Logger, token string) (*pipeline.Pipeline, *shim.Server, error) {
	pipe := pipeline.New(pipeline.Options{
		Config:  setup.config,
		Log:     log,
		ProbeID: probeID(setup),
		Engine:  "shim",
	})
	pipe.Start(ctx)
	m := matcher.New(setup.points, matcher.Options{})
	probe := setup.config.Probe
	srv, err := shim.Start(ctx, shim.Options{
		Matcher:                  m,
		Points:                   setup.points,
		Sink:                     pipe,
		Log:                      log,
		TraceShimThreads:         probe.InstrumentPyprobeThreads,
		ManualInstrument:         !probe.AutoInstrument,
		InstrumentLoadedModules:  probe.InstrumentLoadedModules,
		ErrorOnDuplicateLocation: probe.ErrorOnDuplicateLocation,
		CustomCodeDir:            setup.customCode,
		Token:                    token,
	})
	if err != nil {
		pipe.Close()
		return nil, nil, err
	}
	return pipe, srv, nil
}
