package pipeline

import "time"

// MediatorReport says what the export to the mediator (an OTLP endpoint)
// did. Spans are counted one per server request and one per captured call.
type MediatorReport struct {
	Endpoint    string `json:"endpoint"`
	Protocol    string `json:"protocol"`
	ChannelType string `json:"channeltype"`
	Connected   bool   `json:"connected"` // the last send succeeded
	Outages     uint64 `json:"outages"`   // times the endpoint stopped answering
	LastError   string `json:"last_error,omitempty"`

	SpansExported uint64 `json:"spans_exported"` // accepted by the endpoint, replays included
	SpansBuffered uint64 `json:"spans_buffered"` // written to the on-disk buffer
	SpansReplayed uint64 `json:"spans_replayed"` // sent from the buffer
	// SpansOverflowed did not fit in the buffer's bound (buffer_size), or
	// could not be written or read back: lost.
	SpansOverflowed uint64 `json:"spans_overflowed"`
	// SpansPending are still in the buffer: the next run replays them.
	SpansPending uint64 `json:"spans_pending"`
	BufferDir    string `json:"buffer_dir"`
	BufferBytes  int64  `json:"buffer_bytes"` // on disk now
}

// SystemMetricsReport holds the samples of the system metrics collector
// ([SystemMetricsCollector], [SystemMetrics]).
type SystemMetricsReport struct {
	SamplingRateS float64        `json:"sampling_rate_s"`
	Metrics       []string       `json:"metrics"` // the metrics collected
	Samples       []SystemSample `json:"samples"`
	// DroppedSamples were thinned out to bound the report's size.
	DroppedSamples uint64 `json:"dropped_samples"`
}

// SystemSample is one sampling of the host and of the traced processes.
// Values that could not be read are absent (zero, with the metric missing
// from Metrics).
type SystemSample struct {
	Time time.Time `json:"time"`

	CPUPercent     float64 `json:"cpu_percent"` // host, all CPUs
	MemUsedPercent float64 `json:"mem_used_percent"`
	MemUsedBytes   uint64  `json:"mem_used_bytes"`
	MemTotalBytes  uint64  `json:"mem_total_bytes"`
	Load1          float64 `json:"load1"`
	Load5          float64 `json:"load5"`
	Load15         float64 `json:"load15"`
	DiskUsedPct    float64 `json:"disk_used_percent"` // file system of the working directory
	DiskReadBytes  uint64  `json:"disk_read_bytes"`   // cumulative, all disks
	DiskWriteBytes uint64  `json:"disk_write_bytes"`
	NetRecvBytes   uint64  `json:"net_recv_bytes"` // cumulative, all interfaces
	NetSentBytes   uint64  `json:"net_sent_bytes"`

	Processes []ProcessSample `json:"processes"`
}

// ProcessSample is one sampling of a traced process.
type ProcessSample struct {
	PID        int32   `json:"pid"`
	CPUPercent float64 `json:"cpu_percent"`
	RSSBytes   uint64  `json:"rss_bytes"`
	Threads    int32   `json:"threads"`
	OpenFiles  int32   `json:"open_files"`
}
