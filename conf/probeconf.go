package conf

import "time"

// Config is a parsed probe.conf: every namespace and key of the guide's
// chapter 4, typed, with the guide's defaults where the file is silent.
type Config struct {
	File string // the probe.conf read; "" for defaults only

	Mediator               Mediator
	Logging                Logging
	Probe                  Probe
	SystemMetricsCollector SystemMetricsCollector
	// SystemMetrics is the [SystemMetrics] namespace: metric name -> value,
	// in file order.
	SystemMetrics []KeyValue

	given given // the keys probe.conf set, for IsSet
}

// IsSet reports whether probe.conf set key in namespace ns (rather than
// leaving it at its default).
func (c *Config) IsSet(ns, key string) bool {
	_, ok := c.given[ns+"/"+key]
	return ok
}

// KeyValue is one key of a free-form namespace.
type KeyValue struct {
	Key, Value string
	Line       int
}

// Mediator is the [Mediator] namespace.
type Mediator struct {
	Hostname          string
	Port              int
	ChannelType       string        // synchronous | threaded (default) | multiprocess
	ReconnectTimeout  time.Duration // default 5s
	KeepAliveInterval time.Duration
	BufferDir         string // buffer_dir: our addition, the on-disk buffer
	BufferSizeMB      int    // buffer_size: our addition, its bound in MB
}

// Logging is the [Logging] namespace.
type Logging struct {
	Class           string // RotatingFileHandler | TimedRotatingFileHandler
	File            string
	Level           string // CRITICAL, ERROR, WARNING, INFO, DEBUG
	LevelExceptions []LevelException
	BackupCount     int
	MaxFileSizeMB   int
	When            string // S, M, H, D, W0–W6, midnight
	Interval        int
	UTC             bool
}

// LevelException is one entry of level_exceptions: loggers whose name matches
// Pattern (re.match) log at Level.
type LevelException struct {
	Pattern string
	Level   string
}

// Probe is the [Probe] namespace.
type Probe struct {
	ProbeID            string // as written; ExpandProbeID replaces %0
	RegisteredHostname string
	ProbeGroup         string
	SystemGroup        string

	AutoInstrument           bool // default true
	InstrumentLoadedModules  bool
	InstrumentPyprobeThreads bool
	ErrorOnDuplicateLocation bool

	SQLParsingMode int // 1–4

	MaximumStackDepth      int           // default 25
	MinimumMethodLatency   time.Duration // default 51ms
	MinimumFragmentLatency time.Duration // default 51ms
	MaximumMethodCalls     int           // default 1000
	MinimumSQLLatency      time.Duration // default 1000ms

	HTTPServerPort    int
	HTTPServerAddress string // httpserver_address: our addition, default loopback
	HTTPClientShowURL bool
	URIReplacePattern []URIReplace
	URIPathSegments   int // <= 0 disables
	Username          string
	Password          string // as written (encoded)

	ReportFile string // report_file: our addition, written when tracing ends
}

// SystemMetricsCollector is the [SystemMetricsCollector] namespace.
type SystemMetricsCollector struct {
	Enabled          bool
	SamplingRate     time.Duration
	MetricsGroup     string
	UDPPort          int
	MediatorPort     int
	UDPRetryInterval time.Duration
	Username         string
	Password         string
}
