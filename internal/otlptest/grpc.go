package otlptest

import (
	"context"
	"fmt"
	"net"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
)

// GRPCReceiver is an OTLP/gRPC trace receiver on 127.0.0.1.
type GRPCReceiver struct {
	collectortrace.UnimplementedTraceServiceServer
	*Receiver // the span store; its HTTP server is not started
	srv       *grpc.Server
	addr      string
}

// StartGRPC listens on 127.0.0.1 on a free port.
func StartGRPC() (*GRPCReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("otlptest: %w", err)
	}
	g := &GRPCReceiver{Receiver: &Receiver{}, srv: grpc.NewServer(), addr: ln.Addr().String()}
	collectortrace.RegisterTraceServiceServer(g.srv, g)
	go func() { _ = g.srv.Serve(ln) }()
	return g, nil
}

// Addr is host:port of the receiver.
func (g *GRPCReceiver) Addr() string { return g.addr }

// Stop stops the server.
func (g *GRPCReceiver) Stop() { g.srv.Stop() }

// Export takes a trace export.
func (g *GRPCReceiver) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	g.Receiver.add(req)
	return &collectortrace.ExportTraceServiceResponse{}, nil
}
