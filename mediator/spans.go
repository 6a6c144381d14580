package mediator

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// spanName is the server span's name, "{method} {route}" as the semantic
// conventions for HTTP servers have it ("HTTP {route}" when the method is
// not known); a Pseudo server request is named as in the report.
func spanName(f *pipeline.FinishedFragment) string {
	if f.Type != "HTTP" {
		return f.Name
	}
	method := f.HTTPMethod
	if method == "" {
		method = "HTTP"
	}
	return method + " " + f.Name
}

// emit turns a fragment into spans: the server request, then each kept call
// as a child of its caller's span, with the times the engine measured.
func (m *Mediator) emit(f *pipeline.FinishedFragment) {
	if len(f.Nodes) == 0 {
		return
	}
	end := f.Start.Add(f.Duration)
	kind := trace.SpanKindInternal
	attrs := []attribute.KeyValue{
		attribute.String("hpdiag.server_request.name", f.Name),
		attribute.String("hpdiag.server_request.type", f.Type),
		semconv.ProcessPID(int(f.PID)),
		semconv.ThreadID(int(f.TID)),
		semconv.CodeFunctionName(qualified(&f.Nodes[0])),
		attribute.String("hpdiag.layer", f.Nodes[0].Layer),
	}
	if f.Type == "HTTP" {
		kind = trace.SpanKindServer
		attrs = append(attrs, semconv.HTTPRoute(f.Name))
		if f.HTTPMethod != "" {
			attrs = append(attrs, semconv.HTTPRequestMethodKey.String(f.HTTPMethod))
		}
		if f.URI != "" {
			path, query, _ := strings.Cut(f.URI, "?")
			attrs = append(attrs, semconv.URLPath(path))
			if query != "" {
				attrs = append(attrs, semconv.URLQuery(query))
			}
		}
		if f.HTTPStatus > 0 {
			attrs = append(attrs, semconv.HTTPResponseStatusCode(f.HTTPStatus))
		}
		if m.host != "" {
			attrs = append(attrs, semconv.ServerAddress(m.host))
		}
		if p, err := strconv.Atoi(f.ServerPort); err == nil && p > 0 {
			attrs = append(attrs, semconv.ServerPort(p))
		}
		if f.RemoteIP != "" {
			attrs = append(attrs, semconv.ClientAddress(f.RemoteIP))
		}
	}
	if f.Inbound {
		attrs = append(attrs, attribute.Bool("hpdiag.inbound", true))
	}
	if f.ConsumerID != "" {
		attrs = append(attrs, attribute.String("hpdiag.consumer_id", f.ConsumerID))
	}
	ctx, root := m.tracer.Start(context.Background(), spanName(f),
		trace.WithSpanKind(kind), trace.WithTimestamp(f.Start), trace.WithAttributes(attrs...))
	if f.Error {
		errType := "exception"
		if f.HTTPStatus >= 500 {
			errType = strconv.Itoa(f.HTTPStatus)
		}
		root.SetAttributes(semconv.ErrorTypeKey.String(errType))
		root.SetStatus(codes.Error, f.StatusDesc)
	}
	ctxs := make([]context.Context, len(f.Nodes))
	ctxs[0] = ctx
	for i := 1; i < len(f.Nodes); i++ {
		nd := &f.Nodes[i]
		parent := ctx
		if p := nd.Parent; p >= 0 && int(p) < i {
			parent = ctxs[p]
		}
		start := f.Start.Add(nd.Offset)
		name, kind, attrs := callSpan(nd)
		c, sp := m.tracer.Start(parent, name, trace.WithSpanKind(kind), trace.WithTimestamp(start), trace.WithAttributes(attrs...))
		if nd.Error {
			sp.SetAttributes(semconv.ErrorTypeKey.String("exception"))
			sp.SetStatus(codes.Error, "")
		}
		ctxs[i] = c
		sp.End(trace.WithTimestamp(start.Add(nd.Duration)))
	}
	root.End(trace.WithTimestamp(end))
}

// callSpan names and describes a captured call: SQL and outbound calls are
// client spans, other calls internal.
func callSpan(nd *pipeline.FragmentNode) (string, trace.SpanKind, []attribute.KeyValue) {
	fn := qualified(nd)
	attrs := []attribute.KeyValue{
		semconv.CodeFunctionName(fn),
		attribute.String("hpdiag.layer", nd.Layer),
	}
	switch {
	case nd.SQL:
		attrs = append(attrs, dbSystem(nd.Module))
		name := "SQL"
		if nd.Arg != "" {
			attrs = append(attrs, semconv.DBQueryText(nd.Arg))
			if op, _, _ := strings.Cut(strings.TrimSpace(nd.Arg), " "); op != "" {
				name = strings.ToUpper(op)
				attrs = append(attrs, semconv.DBOperationName(name))
			}
		}
		return name, trace.SpanKindClient, attrs
	case nd.Outbound:
		if nd.Arg != "" {
			if u, err := url.Parse(nd.Arg); err == nil && u.Host != "" {
				attrs = append(attrs, semconv.URLFull(nd.Arg), semconv.ServerAddress(u.Hostname()))
			} else {
				attrs = append(attrs, attribute.String("hpdiag.outbound.target", nd.Arg))
			}
		}
		return fn, trace.SpanKindClient, attrs
	}
	if nd.Arg != "" {
		attrs = append(attrs, attribute.String("hpdiag.arg", nd.Arg))
	}
	return fn, trace.SpanKindInternal, attrs
}

// dbSystem guesses db.system.name from the module that ran the statement.
func dbSystem(module string) attribute.KeyValue {
	m := strings.ToLower(module)
	switch {
	case strings.Contains(m, "sqlite"):
		return semconv.DBSystemNameSQLite
	case strings.Contains(m, "psycopg"), strings.Contains(m, "pg8000"), strings.Contains(m, "asyncpg"), strings.Contains(m, "postgres"):
		return semconv.DBSystemNamePostgreSQL
	case strings.Contains(m, "mysql"), strings.Contains(m, "pymysql"):
		return semconv.DBSystemNameMySQL
	}
	return semconv.DBSystemNameOtherSQL
}

// qualified is module.Class.method.
func qualified(nd *pipeline.FragmentNode) string {
	if nd.Class != "" {
		return nd.Module + "." + nd.Class + "." + nd.Method
	}
	return nd.Module + "." + nd.Method
}
