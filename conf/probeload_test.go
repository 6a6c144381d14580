package conf

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c := Defaults()
	want := &Config{
		Mediator: Mediator{Hostname: "localhost", Port: 2006, ChannelType: "threaded",
			ReconnectTimeout: 5 * time.Second, KeepAliveInterval: 30 * time.Second, BufferSizeMB: 64},
		Logging: Logging{Class: "RotatingFileHandler", File: "/var/log/hpdiag/probe.log", Level: "WARNING",
			BackupCount: 5, MaxFileSizeMB: 10, When: "midnight", Interval: 1, UTC: false},
		Probe: Probe{ProbeID: "PythonProbe", ProbeGroup: "Default",
			AutoInstrument: true, SQLParsingMode: 3,
			MaximumStackDepth: 25, MinimumMethodLatency: 51 * time.Millisecond,
			MinimumFragmentLatency: 51 * time.Millisecond, MaximumMethodCalls: 1000,
			MinimumSQLLatency: time.Second, HTTPClientShowURL: true, URIPathSegments: 0, HTTPServerAddress: "127.0.0.1"},
		SystemMetricsCollector: SystemMetricsCollector{Enabled: false, SamplingRate: 15 * time.Second,
			MetricsGroup: "Default", UDPPort: 2008, MediatorPort: 2006, UDPRetryInterval: 10 * time.Minute},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Defaults() =\n%+v\nwant\n%+v", c, want)
	}
	if Defaults() == Defaults() {
		t.Error("Defaults returns a shared value")
	}
}

func TestLoadProbeConfFull(t *testing.T) {
	const path = "testdata/full.conf"
	warn, warnings := collect()
	c, err := LoadProbeConf(path, warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(*warnings) != 0 {
		t.Errorf("unexpected warnings: %v", *warnings)
	}
	if c.File != path {
		t.Errorf("File = %q", c.File)
	}
	wantMediator := Mediator{Hostname: "mediator.example.com", Port: 2612, ChannelType: "multiprocess",
		ReconnectTimeout: 10 * time.Second, KeepAliveInterval: 2 * time.Minute, BufferSizeMB: 64}
	if c.Mediator != wantMediator {
		t.Errorf("Mediator = %+v, want %+v", c.Mediator, wantMediator)
	}
	wantLogging := Logging{Class: "TimedRotatingFileHandler", File: "/tmp/hpdiag/probe.log", Level: "DEBUG",
		LevelExceptions: []LevelException{{`hpdiag\.location.*`, "DEBUG"}, {`hpdiag\.importhook.*`, "INFO"}},
		BackupCount:     0, MaxFileSizeMB: 10, When: "W1", Interval: 2, UTC: true}
	if !reflect.DeepEqual(c.Logging, wantLogging) {
		t.Errorf("Logging = %+v, want %+v", c.Logging, wantLogging)
	}
	p := c.Probe
	if len(p.URIReplacePattern) != 2 || p.URIReplacePattern[0].Source != "s#;.*$##" || p.URIReplacePattern[1].Source != "s#foo#bar#" {
		t.Errorf("URIReplacePattern = %+v", p.URIReplacePattern)
	}
	p.URIReplacePattern = nil
	wantProbe := Probe{ProbeID: "MyProbe%0", RegisteredHostname: "web01", ProbeGroup: "Shop", SystemGroup: "Frontend",
		AutoInstrument: false, InstrumentLoadedModules: true, InstrumentPyprobeThreads: true, ErrorOnDuplicateLocation: true,
		SQLParsingMode: 4, MaximumStackDepth: 40, MinimumMethodLatency: 10 * time.Millisecond,
		MinimumFragmentLatency: 500 * time.Millisecond, MaximumMethodCalls: 500, MinimumSQLLatency: 2 * time.Second,
		HTTPServerPort: 35000, HTTPServerAddress: "127.0.0.1", HTTPClientShowURL: false, URIPathSegments: 2, Username: "admin", Password: "c2VjcmV0",
		ReportFile: "/tmp/report.json"}
	if !reflect.DeepEqual(p, wantProbe) {
		t.Errorf("Probe = %+v, want %+v", p, wantProbe)
	}
	wantCollector := SystemMetricsCollector{Enabled: true, SamplingRate: 5 * time.Second, MetricsGroup: "Hosts",
		UDPPort: 2100, MediatorPort: 2612, UDPRetryInterval: time.Hour, Username: "collector", Password: "cGFzcw=="}
	if c.SystemMetricsCollector != wantCollector {
		t.Errorf("SystemMetricsCollector = %+v, want %+v", c.SystemMetricsCollector, wantCollector)
	}
	wantMetrics := []KeyValue{{"cpu", "CPU Utilization", 54}, {"memory", "Free Memory", 55}}
	if !reflect.DeepEqual(c.SystemMetrics, wantMetrics) {
		t.Errorf("SystemMetrics = %+v, want %+v", c.SystemMetrics, wantMetrics)
	}
}

// TestLoadProbeConfGuide reads the guide's own examples, wrapped over lines
// as the guide prints them.
func TestLoadProbeConfGuide(t *testing.T) {
	warn, warnings := collect()
	c, err := LoadProbeConf("testdata/guide.conf", warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(*warnings) != 0 {
		t.Errorf("unexpected warnings: %v", *warnings)
	}
	wantLE := []LevelException{{`hpdiag\.location.*`, "DEBUG"}, {`hpdiag\.importhook.*`, "INFO"}}
	if !reflect.DeepEqual(c.Logging.LevelExceptions, wantLE) {
		t.Errorf("LevelExceptions = %+v", c.Logging.LevelExceptions)
	}
	ops := c.Probe.URIReplacePattern
	if len(ops) != 2 || ops[1].Pattern.String() != `.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$` {
		t.Fatalf("URIReplacePattern = %+v", ops)
	}
	if got := ops[1].Pattern.Sub("/static/site.css", ops[1].Replace); got != "Static Content" {
		t.Errorf("second operation maps /static/site.css to %q", got)
	}
	if c.Probe.ProbeID != "PythonProbe%0" || c.Probe.URIPathSegments != -1 {
		t.Errorf("ProbeID %q, URIPathSegments %d", c.Probe.ProbeID, c.Probe.URIPathSegments)
	}
}

func TestLoadProbeConfTruncateExample(t *testing.T) {
	const path = "testdata/truncate.conf"
	warn, warnings := collect()
	c, err := LoadProbeConf(path, warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(*warnings) != 1 {
		t.Fatalf("warnings = %v, want one", *warnings)
	}
	checkError(t, (*warnings)[0], path, 3, `write the middle '#': s#(string).*$#\1#`, "only two '#'")
	op := c.Probe.URIReplacePattern[0]
	if got := op.Pattern.Sub("/shop/string/x/y", op.Replace); got != "/shop/string" {
		t.Errorf("Sub = %q, want /shop/string", got)
	}
}

func TestLoadProbeConfWarnings(t *testing.T) {
	const path = "testdata/warnings.conf"
	warn, warnings := collect()
	c, err := LoadProbeConf(path, warn)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line     int
		msg, fix string
	}{
		{2, "unknown key hostnme in [Mediator]", "did you mean hostname?"},
		{4, "unknown namespace [probe]", "write [Probe]"},
		{8, "unknown key port in [Probe]", "port belongs in [Mediator]"},
		{10, "unknown key unheard_of_key in [Probe]", "the keys of [Probe] are probe_id,"},
		{16, "unknown namespace [Extra]", "the namespaces are [Mediator], [Logging]"},
		{9, "maximum_stack_depth = 150", "lower it to 100"},
		{13, "when has no effect with class = RotatingFileHandler", "class = TimedRotatingFileHandler"},
		{14, "file = probe.log is not an absolute path", "absolute path"},
		{19, "[SystemMetrics] lists 1 metric but the collector is disabled", "enabled = true"},
	}
	if len(*warnings) != len(want) {
		t.Errorf("got %d warnings, want %d: %v", len(*warnings), len(want), *warnings)
	}
	for i, w := range want {
		if i < len(*warnings) {
			checkError(t, (*warnings)[i], path, w.line, w.fix, w.msg)
		}
	}
	if c.Probe.MaximumStackDepth != 150 || c.Probe.ProbeID != "PythonProbe" {
		t.Errorf("warnings changed values: depth %d, probe_id %q", c.Probe.MaximumStackDepth, c.Probe.ProbeID)
	}
}

func TestLoadProbeConfNilWarner(t *testing.T) {
	if _, err := LoadProbeConf("testdata/warnings.conf", nil); err != nil {
		t.Fatal(err)
	}
}

// TestLoadProbeConfErrors checks that every bad value is an error at its
// line, quoting the value and saying how to fix it.
func TestLoadProbeConfErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		fix        string
		msg        []string
	}{
		{"int", "[Mediator]\nport = 20o6\n", 2, "whole number", []string{"[Mediator] port = 20o6", "not an integer"}},
		{"port range", "[Mediator]\nport = 70000\n", 2, "from 1 to 65535", []string{"port = 70000"}},
		{"sql mode low", "[Probe]\nsql_parsing_mode = 0\n", 2, "3 (similar statements aggregated)", []string{"sql_parsing_mode = 0", "1, 2, 3 or 4"}},
		{"sql mode high", "[Probe]\n\nsql_parsing_mode = 5\n", 3, "4 (identical", []string{"sql_parsing_mode = 5"}},
		{"stack depth", "[Probe]\nmaximum_stack_depth = 0\n", 2, "1 or more", []string{"maximum_stack_depth = 0", "at least 1"}},
		{"bool", "[Probe]\nauto_instrument = maybe\n", 2, "true or false", []string{"auto_instrument = maybe", "not a boolean"}},
		{"time", "[Mediator]\nreconnect_timeout = soon\n", 2, "a bare number counts seconds", []string{"reconnect_timeout = soon", "not a time"}},
		{"time unit", "[SystemMetricsCollector]\nudp_retry_interval = 10 parsecs\n", 2, "10min", []string{"unknown time unit \"parsecs\""}},
		{"latency unit", "[Probe]\nminimum_method_latency = 5y\n", 2, "a bare number counts milliseconds", []string{"minimum_method_latency = 5y"}},
		{"zero interval", "[SystemMetricsCollector]\nsampling_rate = 0s\n", 2, "5s", []string{"longer than zero"}},
		{"channeltype", "[Mediator]\nchanneltype = async\n", 2, "synchronous, threaded, multiprocess", []string{"channeltype = async"}},
		{"logging class", "[Logging]\nclass = FileHandler\n", 2, "RotatingFileHandler, TimedRotatingFileHandler", []string{"class = FileHandler"}},
		{"level", "[Logging]\nlevel = VERBOSE\n", 2, "CRITICAL, ERROR, WARNING, INFO, DEBUG", []string{"level = VERBOSE"}},
		{"when", "[Logging]\nwhen = weekly\n", 2, "midnight", []string{"when = weekly"}},
		{"when typo", "[Logging]\nwhen = 1#\n", 2, "W1 (Tuesday", []string{"when = 1#"}},
		{"quoted when", "[Logging]\nwhen = 'midnight'\n", 2, "without quotes: midnight", []string{"is quoted"}},
		{"interval", "[Logging]\ninterval = 0\n", 2, "1 or more", []string{"interval = 0"}},
		{"level exception", "[Logging]\nlevel_exceptions = {r'a' 'DEBUG'}\n", 2, "write a Python dict", []string{"expected ':' after the pattern at position 6"}},
		{"level exception level", "[Logging]\nlevel_exceptions = {'a' : 'LOUD'}\n", 2, "'CRITICAL'", []string{"level 'LOUD'", "not a logging level"}},
		{"uri typo", "[Probe]\nuri_replace_pattern = s^/django/(my)?portal/#Django Portal#\n", 2,
			"write s#^/django/(my)?portal/#Django Portal#", []string{`expected "s#" or "#"`}},
		{"uri unclosed", "[Probe]\nuri_replace_pattern = s#a#b\n", 2, "s#pattern#replace#", []string{"no closing '#'"}},
		{"duplicate key", "[Probe]\nprobe_id = a\nPROBE_ID = b\n", 3, "remove one", []string{"probe_id is set twice", "first at line 2"}},
		{"duplicate section", "[Probe]\nprobe_id = a\n[Mediator]\n[Probe]\n", 4, "merge", []string{"[Probe] is defined twice, first at line 1"}},
		{"no section", "probe_id = a\n[Probe]\n", 1, "[section] header", []string{"outside any section"}},
		{"not ini", "[Probe]\nprobe_id = a\njust words\n", 3, "key = value", []string{`"just words"`}},
		{"unclosed header", "[Probe]\n[Mediator\n", 2, "']'", []string{"[Mediator is not closed"}},
		{"unclosed quote", "[Probe]\nprobe_id = \"\"\"abc\nmore\n", 2, `close it with """`, []string{"never closed"}},
		{"after continuation", "[Probe]\nuri_replace_pattern = s#a##,\n    s#b##\nsql_parsing_mode = 9\n", 4, "1 (methods only)", []string{"sql_parsing_mode = 9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "probe.conf", tt.text)
			c, err := LoadProbeConf(path, nil)
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			wantError(t, err, path, tt.line, tt.fix, tt.msg...)
		})
	}
}

func TestLoadProbeConfMissingFile(t *testing.T) {
	_, err := LoadProbeConf("testdata/nonexistent.conf", nil)
	var e *Error
	if !errors.As(err, &e) || e.File != "testdata/nonexistent.conf" || !strings.Contains(e.Msg, "no such file") || e.Fix == "" {
		t.Errorf("got %v", err)
	}
}

// TestValueSyntax reads the ways probe.conf may write a value: continuation
// lines, CRLF, a BOM, ':' as delimiter, comments, blank values.
func TestValueSyntax(t *testing.T) {
	tests := []struct {
		name, text string
		check      func(c *Config) bool
	}{
		{"crlf", "[Probe]\r\nprobe_id = X\r\nmaximum_stack_depth = 7\r\n", func(c *Config) bool {
			return c.Probe.ProbeID == "X" && c.Probe.MaximumStackDepth == 7
		}},
		{"bom", "\xef\xbb\xbf[Probe]\nprobe_id = X\n", func(c *Config) bool { return c.Probe.ProbeID == "X" }},
		{"colon", "[Probe]\nprobe_id: X\n", func(c *Config) bool { return c.Probe.ProbeID == "X" }},
		{"hash kept", "[Probe]\nprobe_id = a#b ;c\n", func(c *Config) bool { return c.Probe.ProbeID == "a#b ;c" }},
		{"quotes kept", "[Probe]\nprobe_id = \"x\"\n", func(c *Config) bool { return c.Probe.ProbeID == `"x"` }},
		{"case-insensitive key", "[Probe]\nProbe_ID = X\n", func(c *Config) bool { return c.Probe.ProbeID == "X" }},
		{"empty value", "[Probe]\nregistered_hostname =\nprobe_id = X\n", func(c *Config) bool {
			return c.Probe.RegisteredHostname == "" && c.Probe.ProbeID == "X"
		}},
		{"value on next line", "[Probe]\nprobe_id =\n   X\n", func(c *Config) bool { return c.Probe.ProbeID == "X" }},
		{"continued list", "[Probe]\nuri_replace_pattern = s#a##,\n    s#b##\n", func(c *Config) bool {
			return len(c.Probe.URIReplacePattern) == 2
		}},
		{"triple quotes", "[Probe]\nprobe_id = \"\"\"X\n\"\"\"\nsql_parsing_mode = 1\n", func(c *Config) bool {
			return c.Probe.ProbeID == "X" && c.Probe.SQLParsingMode == 1
		}},
		{"comments", "# c\n; c\n[Probe]\n  # indented comment\nprobe_id = X\n", func(c *Config) bool { return c.Probe.ProbeID == "X" }},
		{"time with space", "[Mediator]\nkeep_alive_interval = 1 h\n", func(c *Config) bool { return c.Mediator.KeepAliveInterval == time.Hour }},
		{"no final newline", "[Probe]\nprobe_id = X", func(c *Config) bool { return c.Probe.ProbeID == "X" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "probe.conf", tt.text)
			c, err := LoadProbeConf(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("unexpected config: Probe %+v Mediator %+v", c.Probe, c.Mediator)
			}
		})
	}
}
