package conf

// valueKind says how a probe.conf value is written and which Go type holds it.
type valueKind int

const (
	kindString          valueKind = iota // *string, taken as written
	kindInt                              // *int, a decimal integer
	kindBool                             // *bool, as ConfigParser.getboolean
	kindSeconds                          // *time.Duration, time string; a bare number is seconds
	kindMillis                           // *time.Duration, time string; a bare number is milliseconds
	kindEnum                             // *string, one of choices, stored in its canonical spelling
	kindLevelExceptions                  // *[]LevelException, a Python dict literal
	kindURIPattern                       // *[]URIReplace, uri_replace_pattern operations
)

// keySpec describes one key of probe.conf: where it lives, how it is written,
// its default and what it means. Defaults() and the documentation are both
// derived from keySpecs, so they cannot disagree.
type keySpec struct {
	ns, key string
	kind    valueKind
	def     string // the default, written as in probe.conf
	doc     string
	// guideDef says the guide states this default; the others are ours.
	guideDef bool
	added    bool     // the key itself is our addition
	choices  []string // kindEnum: the accepted values, canonical spelling
	min      int      // kindInt: smallest accepted value
	max      int      // kindInt: largest accepted value
	// positive requires a duration greater than zero.
	positive bool
	// field returns a pointer to the key's field in c; its type follows kind.
	field func(c *Config) any
}

const (
	nsMediator  = "Mediator"
	nsLogging   = "Logging"
	nsProbe     = "Probe"
	nsCollector = "SystemMetricsCollector"
	nsMetrics   = "SystemMetrics"

	maxInt = int(^uint(0) >> 1)
	minInt = -maxInt - 1
)

// keySpecs is every key of probe.conf, in the order of the guide's chapter 4.
// It is read-only.
var keySpecs = [...]keySpec{
	// [Mediator]
	{ns: nsMediator, key: "hostname", kind: kindString, def: "localhost",
		doc:   "Host name of the Diagnostics mediator (for hpdiag-trace: the OTLP endpoint's host).",
		field: func(c *Config) any { return &c.Mediator.Hostname }},
	{ns: nsMediator, key: "port", kind: kindInt, def: "2006", min: 1, max: 65535,
		doc:   "Port number of the mediator.",
		field: func(c *Config) any { return &c.Mediator.Port }},
	{ns: nsMediator, key: "channeltype", kind: kindEnum, def: "threaded", guideDef: true,
		choices: []string{"synchronous", "threaded", "multiprocess"},
		doc: "How events are sent to the mediator: synchronous (in the application's thread), " +
			"threaded (a separate thread of the same process) or multiprocess (a separate process).",
		field: func(c *Config) any { return &c.Mediator.ChannelType }},
	{ns: nsMediator, key: "reconnect_timeout", kind: kindSeconds, def: "5s", positive: true,
		doc:   "Time to wait before the next reconnect after the connection to the mediator was lost.",
		field: func(c *Config) any { return &c.Mediator.ReconnectTimeout }},
	{ns: nsMediator, key: "keep_alive_interval", kind: kindSeconds, def: "30s", positive: true,
		doc:   "Interval at which keep-alive messages are sent to the mediator's registrar.",
		field: func(c *Config) any { return &c.Mediator.KeepAliveInterval }},
	{ns: nsMediator, key: "buffer_dir", kind: kindString, def: "", added: true,
		doc: "Directory of the on-disk buffer holding what the mediator could not take yet, replayed in order " +
			"when it answers again (also at the next start); empty: hpdiag-buffer next to the [Logging] file, " +
			"else in the temporary directory.",
		field: func(c *Config) any { return &c.Mediator.BufferDir }},
	{ns: nsMediator, key: "buffer_size", kind: kindInt, def: "64", added: true, min: 1, max: 1 << 20,
		doc:   "Bound of the on-disk buffer in MB; what would exceed it is counted as overflowed and reported.",
		field: func(c *Config) any { return &c.Mediator.BufferSizeMB }},

	// [Logging]
	{ns: nsLogging, key: "class", kind: kindEnum, def: "RotatingFileHandler",
		choices: []string{"RotatingFileHandler", "TimedRotatingFileHandler"},
		doc: "Log rotation: RotatingFileHandler rotates on size (max_file_size), " +
			"TimedRotatingFileHandler on time (when, interval).",
		field: func(c *Config) any { return &c.Logging.Class }},
	{ns: nsLogging, key: "file", kind: kindString, def: "/var/log/hpdiag/probe.log",
		doc:   "Absolute path of the log file.",
		field: func(c *Config) any { return &c.Logging.File }},
	{ns: nsLogging, key: "level", kind: kindEnum, def: "WARNING",
		choices: []string{"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"},
		doc:     "Default logging level.",
		field:   func(c *Config) any { return &c.Logging.Level }},
	{ns: nsLogging, key: "level_exceptions", kind: kindLevelExceptions, def: "",
		doc: "Exceptions to level: a Python dict literal {r'pattern' : 'LEVEL', ...}. The first pattern " +
			"that matches (re.match) a logger's name sets its level; patterns are tried in the order written.",
		field: func(c *Config) any { return &c.Logging.LevelExceptions }},
	{ns: nsLogging, key: "backup_count", kind: kindInt, def: "5", min: 0, max: maxInt,
		doc:   "If nonzero, at most this many rotated files are kept; the oldest is deleted.",
		field: func(c *Config) any { return &c.Logging.BackupCount }},
	{ns: nsLogging, key: "max_file_size", kind: kindInt, def: "10", min: 0, max: 1 << 20,
		doc:   "RotatingFileHandler: size in MB at which the log file is rotated (0: never).",
		field: func(c *Config) any { return &c.Logging.MaxFileSizeMB }},
	{ns: nsLogging, key: "when", kind: kindEnum, def: "midnight",
		choices: []string{"S", "M", "H", "D", "W0", "W1", "W2", "W3", "W4", "W5", "W6", "midnight"},
		doc: "TimedRotatingFileHandler: unit of the rotation interval: S seconds, M minutes, H hours, " +
			"D days, W0–W6 a week day (0 = Monday), midnight.",
		field: func(c *Config) any { return &c.Logging.When }},
	{ns: nsLogging, key: "interval", kind: kindInt, def: "1", min: 1, max: maxInt,
		doc:   "TimedRotatingFileHandler: rotate every interval units of when.",
		field: func(c *Config) any { return &c.Logging.Interval }},
	{ns: nsLogging, key: "utc", kind: kindBool, def: "false", guideDef: true,
		doc:   "Use UTC instead of local time for time-based rotation.",
		field: func(c *Config) any { return &c.Logging.UTC }},

	// [Probe]
	{ns: nsProbe, key: "probe_id", kind: kindString, def: "PythonProbe",
		doc:   "Name of the probe instance; %0 in it is replaced by a number unique to the run (the hpdiag-trace process id).",
		field: func(c *Config) any { return &c.Probe.ProbeID }},
	{ns: nsProbe, key: "registered_hostname", kind: kindString, def: "",
		doc:   "Host name to report when DNS/IP lookups are unreliable; empty: the system's host name.",
		field: func(c *Config) any { return &c.Probe.RegisteredHostname }},
	{ns: nsProbe, key: "probe_group", kind: kindString, def: "Default",
		doc:   "Probe group name.",
		field: func(c *Config) any { return &c.Probe.ProbeGroup }},
	{ns: nsProbe, key: "system_group", kind: kindString, def: "",
		doc:   "System group name.",
		field: func(c *Config) any { return &c.Probe.SystemGroup }},
	{ns: nsProbe, key: "auto_instrument", kind: kindBool, def: "true", guideDef: true,
		doc:   "Instrument modules automatically when they are imported.",
		field: func(c *Config) any { return &c.Probe.AutoInstrument }},
	{ns: nsProbe, key: "instrument_loaded_modules", kind: kindBool, def: "false", guideDef: true,
		doc:   "Also instrument modules loaded before the probe started.",
		field: func(c *Config) any { return &c.Probe.InstrumentLoadedModules }},
	{ns: nsProbe, key: "instrument_pyprobe_threads", kind: kindBool, def: "false", guideDef: true,
		doc:   "Also instrument points found in the probe's own threads.",
		field: func(c *Config) any { return &c.Probe.InstrumentPyprobeThreads }},
	{ns: nsProbe, key: "error_on_duplicate_location", kind: kindBool, def: "false", guideDef: true,
		doc:   "Fail when the same location is instrumented more than once.",
		field: func(c *Config) any { return &c.Probe.ErrorOnDuplicateLocation }},
	{ns: nsProbe, key: "sql_parsing_mode", kind: kindInt, def: "3", min: 1, max: 4,
		doc: "SQL parsing: 1 methods only, no SQL; 2 main categories (select/update/insert/delete...); " +
			"3 one measurement per statement, similar statements aggregated; 4 one measurement per " +
			"statement, only identical statements aggregated. Default 3 (the guide gives none): it keeps " +
			"the statements while bounding their number, and literal values never leave the host.",
		field: func(c *Config) any { return &c.Probe.SQLParsingMode }},
	{ns: nsProbe, key: "maximum_stack_depth", kind: kindInt, def: "25", guideDef: true, min: 1, max: maxInt,
		doc: "Depth trimming: methods called deeper than this are not captured. Values above 100 are " +
			"strongly discouraged (recursive methods make huge call trees).",
		field: func(c *Config) any { return &c.Probe.MaximumStackDepth }},
	{ns: nsProbe, key: "minimum_method_latency", kind: kindMillis, def: "51ms", guideDef: true,
		doc:   "Latency trimming: methods faster than this are not captured.",
		field: func(c *Config) any { return &c.Probe.MinimumMethodLatency }},
	{ns: nsProbe, key: "minimum_fragment_latency", kind: kindMillis, def: "51ms", guideDef: true,
		doc:   "Server requests faster than this are not captured.",
		field: func(c *Config) any { return &c.Probe.MinimumFragmentLatency }},
	{ns: nsProbe, key: "maximum_method_calls", kind: kindInt, def: "1000", guideDef: true, min: 1, max: maxInt,
		doc:   "Tree size trimming: at most this many methods (outbound calls included) per instance tree.",
		field: func(c *Config) any { return &c.Probe.MaximumMethodCalls }},
	{ns: nsProbe, key: "minimum_sql_latency", kind: kindMillis, def: "1000ms", guideDef: true,
		doc:   "SQL statements faster than this are not trended until they once exceed it.",
		field: func(c *Config) any { return &c.Probe.MinimumSQLLatency }},
	{ns: nsProbe, key: "httpserver_port", kind: kindInt, def: "0", min: 0, max: 65535,
		doc:   "Port of the probe's HTTP server; 0 (our default) starts no server.",
		field: func(c *Config) any { return &c.Probe.HTTPServerPort }},
	{ns: nsProbe, key: "httpserver_address", kind: kindString, def: "127.0.0.1", added: true,
		doc:   "Address the probe's HTTP server listens on: loopback unless set (0.0.0.0 or :: for every interface).",
		field: func(c *Config) any { return &c.Probe.HTTPServerAddress }},
	{ns: nsProbe, key: "http_client_show_url", kind: kindBool, def: "true",
		doc:   "Include the URL in the identity of an outbound call; set false for REST clients.",
		field: func(c *Config) any { return &c.Probe.HTTPClientShowURL }},
	{ns: nsProbe, key: "uri_replace_pattern", kind: kindURIPattern, def: "",
		doc: "Comma-separated s#pattern#replace# or #pattern#replace# operations applied in order " +
			"(re.sub) to every server request URI.",
		field: func(c *Config) any { return &c.Probe.URIReplacePattern }},
	{ns: nsProbe, key: "uri_pathsegments", kind: kindInt, def: "0", min: minInt, max: maxInt,
		doc:   "Keep this many URI path segments and trim the rest; 0 or -1 disables trimming.",
		field: func(c *Config) any { return &c.Probe.URIPathSegments }},
	{ns: nsProbe, key: "username", kind: kindString, def: "",
		doc:   "User name the mediator authenticates with at the probe HTTP server; empty: a default.",
		field: func(c *Config) any { return &c.Probe.Username }},
	{ns: nsProbe, key: "password", kind: kindString, def: "",
		doc:   "Encoded password for the probe HTTP server (hpdiag-trace encode-password); empty: a default.",
		field: func(c *Config) any { return &c.Probe.Password }},
	{ns: nsProbe, key: "report_file", kind: kindString, def: "", added: true,
		doc:   "Write the trace report to this file when tracing ends; empty: no report file.",
		field: func(c *Config) any { return &c.Probe.ReportFile }},

	// [SystemMetricsCollector]
	{ns: nsCollector, key: "enabled", kind: kindBool, def: "false",
		doc:   "Run the system metrics collector.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.Enabled }},
	{ns: nsCollector, key: "sampling_rate", kind: kindSeconds, def: "15s", positive: true,
		doc:   "How often metrics are sampled.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.SamplingRate }},
	{ns: nsCollector, key: "metrics_group", kind: kindString, def: "Default",
		doc:   "Group the system metrics are associated with.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.MetricsGroup }},
	{ns: nsCollector, key: "udp_port", kind: kindInt, def: "2008", min: 1, max: 65535,
		doc:   "UDP control port of the collector; all agents on a host must use the same port.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.UDPPort }},
	{ns: nsCollector, key: "mediator_port", kind: kindInt, def: "2006", min: 1, max: 65535,
		doc:   "Port on the mediator metrics are delivered to.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.MediatorPort }},
	{ns: nsCollector, key: "udp_retry_interval", kind: kindSeconds, def: "10min", positive: true,
		doc:   "How often to retry opening the UDP port while another program holds it.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.UDPRetryInterval }},
	{ns: nsCollector, key: "username", kind: kindString, def: "",
		doc:   "User name the collector authenticates with at the mediator.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.Username }},
	{ns: nsCollector, key: "password", kind: kindString, def: "",
		doc:   "Encoded password the collector authenticates with at the mediator.",
		field: func(c *Config) any { return &c.SystemMetricsCollector.Password }},
}

// namespaces lists the namespaces of probe.conf in the guide's order.
var namespaces = [...]string{nsMediator, nsLogging, nsProbe, nsCollector, nsMetrics}

// lookupKey finds the spec of key in namespace ns.
func lookupKey(ns, key string) (*keySpec, bool) {
	for i := range keySpecs {
		if keySpecs[i].ns == ns && keySpecs[i].key == key {
			return &keySpecs[i], true
		}
	}
	return nil, false
}

// KeyDoc documents one key of probe.conf, for generated documentation.
type KeyDoc struct {
	Namespace string
	Key       string
	Type      string // how the value is written
	Default   string // as written in probe.conf; "" for empty
	Doc       string
	// GuideDefault is true when the guide states the default; other
	// defaults are hpdiag-trace's choice.
	GuideDefault bool
	Added        bool // the key is hpdiag-trace's addition to the guide
}

// Keys returns the documentation of every probe.conf key, in the guide's order.
func Keys() []KeyDoc {
	docs := make([]KeyDoc, len(keySpecs))
	for i, s := range keySpecs {
		docs[i] = KeyDoc{Namespace: s.ns, Key: s.key, Type: s.typeName(), Default: s.def, Doc: s.doc,
			GuideDefault: s.guideDef, Added: s.added}
	}
	return docs
}
