package mediator

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// Protocols of the OTLP export.
const (
	ProtocolHTTP = "http/protobuf"
	ProtocolGRPC = "grpc"
)

// Settings are what the mediator export uses, derived from [Mediator] and
// the standard OTEL_* variables by Resolve.
type Settings struct {
	// Enabled: [Mediator] hostname or port is set in probe.conf, or an
	// OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is, and OTEL_SDK_DISABLED is not
	// true.
	Enabled bool
	// Endpoint is what the export goes to, for messages: host:port from
	// [Mediator], or the URL of the OTEL_* variable.
	Endpoint string
	// FromEnv says the OTEL_* variables name the endpoint: the exporters
	// read them (with their headers, TLS and paths) themselves.
	FromEnv     bool
	Protocol    string // ProtocolHTTP or ProtocolGRPC
	ChannelType string // synchronous | threaded | multiprocess
	// Reconnect is the wait between replays of the buffer while the
	// endpoint does not answer (reconnect_timeout).
	Reconnect time.Duration
	// KeepAlive is the metrics export interval, which is the heartbeat
	// (keep_alive_interval).
	KeepAlive   time.Duration
	BufferDir   string
	BufferBytes int64
}

// Resolve derives the settings. getenv nil means os.Getenv. A bad OTEL_*
// value is an error naming the variable and the fix.
func Resolve(cfg *conf.Config, getenv func(string) string) (Settings, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if cfg == nil {
		cfg = conf.Defaults()
	}
	m := cfg.Mediator
	s := Settings{
		ChannelType: m.ChannelType,
		Reconnect:   m.ReconnectTimeout,
		KeepAlive:   m.KeepAliveInterval,
		BufferBytes: int64(m.BufferSizeMB) << 20,
		Protocol:    ProtocolHTTP,
	}
	if s.ChannelType == "" {
		s.ChannelType = "threaded"
	}
	if s.Reconnect <= 0 {
		s.Reconnect = 5 * time.Second
	}
	if s.KeepAlive <= 0 {
		s.KeepAlive = 30 * time.Second
	}
	if s.BufferBytes <= 0 {
		s.BufferBytes = 64 << 20
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			switch v {
			case ProtocolHTTP, ProtocolGRPC:
				s.Protocol = v
			default:
				return s, fmt.Errorf("%s=%q: unsupported OTLP protocol; use http/protobuf or grpc", name, v)
			}
			break
		}
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			s.Endpoint, s.FromEnv, s.Enabled = v, true, true
			break
		}
	}
	if !s.FromEnv {
		s.Endpoint = net.JoinHostPort(m.Hostname, strconv.Itoa(m.Port))
		s.Enabled = cfg.IsSet("Mediator", "hostname") || cfg.IsSet("Mediator", "port")
	}
	if v, _ := strconv.ParseBool(strings.TrimSpace(getenv("OTEL_SDK_DISABLED"))); v {
		s.Enabled = false
	}
	s.BufferDir = m.BufferDir
	if s.BufferDir == "" {
		s.BufferDir = defaultBufferDir(cfg.Logging.File)
	}
	return s, nil
}

// defaultBufferDir is hpdiag-buffer beside the log file when its directory
// is writable, else in the temporary directory.
func defaultBufferDir(logFile string) string {
	if logFile != "" {
		dir := filepath.Dir(logFile)
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			if f, err := os.CreateTemp(dir, ".hpdiag-probe-*"); err == nil {
				f.Close()
				os.Remove(f.Name())
				return filepath.Join(dir, "hpdiag-buffer")
			}
		}
	}
	return filepath.Join(os.TempDir(), "hpdiag-buffer")
}
