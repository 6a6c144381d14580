package mediator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sirupsen/logrus"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// Options configure the mediator export.
type Options struct {
	Settings Settings
	Config   *conf.Config // [Probe] ids and host name; nil: defaults
	ProbeID  string       // the expanded probe_id
	Engine   string
	Log      logrus.FieldLogger
	// Snapshot returns the report so far, for the method, SQL and loss
	// metrics; nil exports none of them.
	Snapshot func() *pipeline.Report
	// System returns the latest system metrics sample, or nil; nil
	// exports no system metrics.
	System func() *pipeline.SystemSample
}

// Mediator exports finished fragments as spans and the probe's metrics to
// an OTLP endpoint. It is a pipeline.FragmentSink.
type Mediator struct {
	set    Settings
	log    logrus.FieldLogger
	host   string
	start  time.Time
	client *bufferedClient
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
	tracer trace.Tracer

	reqDur    metric.Float64Histogram // http.server.request.duration
	pseudoDur metric.Float64Histogram // hpdiag.server_request.duration
}

var _ pipeline.FragmentSink = (*Mediator)(nil)

// New starts the export. Nothing is sent until a fragment finishes or the
// first metrics interval ends; an unreachable endpoint is not an error (the
// buffer takes what it cannot).
func New(ctx context.Context, opts Options) (*Mediator, error) {
	set := opts.Settings
	log := opts.Log
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = conf.Defaults()
	}
	host := cfg.Probe.RegisteredHostname
	if host == "" {
		host, _ = os.Hostname()
	}
	sp, err := openSpool(set.BufferDir, set.BufferBytes)
	if err != nil {
		return nil, err
	}
	if b, n, _ := sp.pending(); b > 0 {
		log.Infof("mediator buffer %s: %d spans left by an earlier run, replaying them", set.BufferDir, n)
	}
	res, err := resource.New(ctx,
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(
			semconv.ServiceName(opts.ProbeID),
			semconv.ServiceInstanceID(fmt.Sprintf("%s@%s:%d", opts.ProbeID, host, os.Getpid())),
			semconv.ServiceNamespace(cfg.Probe.ProbeGroup),
			semconv.HostName(host),
			attribute.String("hpdiag.probe.id", opts.ProbeID),
			attribute.String("hpdiag.probe.engine", opts.Engine),
			attribute.String("hpdiag.probe.group", cfg.Probe.ProbeGroup),
			attribute.String("hpdiag.system_group", cfg.Probe.SystemGroup),
			attribute.String("hpdiag.metrics_group", cfg.SystemMetricsCollector.MetricsGroup),
		),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil && res == nil {
		return nil, fmt.Errorf("mediator resource: %w", err)
	}
	client := newBufferedClient(traceClient(set), sp, set.ChannelType == "multiprocess", set.Reconnect, log)
	exp, err := otlptrace.New(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("mediator %s: %w", set.Endpoint, err)
	}
	var proc sdktrace.SpanProcessor
	switch set.ChannelType {
	case "synchronous":
		proc = sdktrace.NewSimpleSpanProcessor(exp)
	default: // threaded, multiprocess
		proc = sdktrace.NewBatchSpanProcessor(exp,
			sdktrace.WithBlocking(), // a full queue waits, never drops
			sdktrace.WithMaxQueueSize(8192),
			sdktrace.WithBatchTimeout(time.Second))
	}
	m := &Mediator{
		set:    set,
		log:    log,
		host:   host,
		start:  time.Now(),
		client: client,
		tp:     sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithSpanProcessor(proc), sdktrace.WithSampler(sdktrace.AlwaysSample())),
	}
	m.tracer = m.tp.Tracer("github.com/hpdiag/hpdiag-trace")
	mexp, err := metricExporter(ctx, set)
	if err != nil {
		_ = m.tp.Shutdown(ctx)
		return nil, fmt.Errorf("mediator %s: %w", set.Endpoint, err)
	}
	m.mp = sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp, sdkmetric.WithInterval(set.KeepAlive))))
	if err := m.instruments(opts); err != nil {
		_ = m.Close(ctx)
		return nil, err
	}
	return m, nil
}

// traceClient is the real OTLP client: HTTP or gRPC, its own retries off
// (the buffer retries, without dropping).
func traceClient(set Settings) otlptrace.Client {
	if set.Protocol == ProtocolGRPC {
		opts := []otlptracegrpc.Option{otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),
			otlptracegrpc.WithTimeout(10 * time.Second)}
		if !set.FromEnv {
			opts = append(opts, otlptracegrpc.WithEndpoint(set.Endpoint), otlptracegrpc.WithInsecure())
		}
		return otlptracegrpc.NewClient(opts...)
	}
	opts := []otlptracehttp.Option{otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}),
		otlptracehttp.WithTimeout(10 * time.Second)}
	if !set.FromEnv {
		opts = append(opts, otlptracehttp.WithEndpoint(set.Endpoint), otlptracehttp.WithInsecure())
	}
	return otlptracehttp.NewClient(opts...)
}

// metricExporter exports cumulative metrics: after an outage the next
// export carries the totals, so no count is lost.
func metricExporter(ctx context.Context, set Settings) (sdkmetric.Exporter, error) {
	if set.Protocol == ProtocolGRPC {
		opts := []otlpmetricgrpc.Option{otlpmetricgrpc.WithRetry(otlpmetricgrpc.RetryConfig{Enabled: false}),
			otlpmetricgrpc.WithTimeout(10 * time.Second)}
		if !set.FromEnv {
			opts = append(opts, otlpmetricgrpc.WithEndpoint(set.Endpoint), otlpmetricgrpc.WithInsecure())
		}
		return otlpmetricgrpc.New(ctx, opts...)
	}
	opts := []otlpmetrichttp.Option{otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig{Enabled: false}),
		otlpmetrichttp.WithTimeout(10 * time.Second)}
	if !set.FromEnv {
		opts = append(opts, otlpmetrichttp.WithEndpoint(set.Endpoint), otlpmetrichttp.WithInsecure())
	}
	return otlpmetrichttp.New(ctx, opts...)
}

// Fragment exports a finished fragment: its spans and its request metrics.
func (m *Mediator) Fragment(f *pipeline.FinishedFragment) {
	m.record(f)
	m.emit(f)
}

// Stats says what the export did so far.
func (m *Mediator) Stats() pipeline.MediatorReport {
	c := m.client
	_, pending, bytes := c.spool.pending()
	r := pipeline.MediatorReport{
		Endpoint:        m.set.Endpoint,
		Protocol:        m.set.Protocol,
		ChannelType:     m.set.ChannelType,
		Connected:       !c.down.Load(),
		Outages:         c.outages.Load(),
		SpansExported:   c.exported.Load(),
		SpansBuffered:   c.buffered.Load(),
		SpansReplayed:   c.replayed.Load(),
		SpansOverflowed: c.overflowed.Load() + c.unreadable.Load(),
		SpansPending:    uint64(pending),
		BufferDir:       m.set.BufferDir,
		BufferBytes:     bytes,
	}
	if e := c.lastErr.Load(); e != nil && r.Outages > 0 {
		r.LastError = *e
	}
	return r
}

// Close flushes the spans and metrics and tries, within ctx, to empty the
// buffer; what stays is replayed by the next run.
func (m *Mediator) Close(ctx context.Context) error {
	err := m.tp.Shutdown(ctx)
	if m.mp != nil {
		// A metrics export failing at exit is not worth an error: the
		// totals are in the report.
		_ = m.mp.Shutdown(ctx)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("closing the mediator export: %w", err)
	}
	return nil
}

// RouteOTelErrors sends the errors the OpenTelemetry SDK reports through
// its global handler (a failed metrics export, say) to log at debug level,
// instead of the SDK's default of printing them on stderr. The handler is
// the SDK's global state: the tracer sets it once, when the mediator starts.
func RouteOTelErrors(log logrus.FieldLogger) {
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Debugf("opentelemetry: %v", err)
	}))
}
