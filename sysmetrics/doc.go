// Package sysmetrics owns the guide's system metrics collector
// ([SystemMetricsCollector], [SystemMetrics]) with gopsutil: host CPU,
// memory, disk, network and load, and CPU, resident memory, threads and
// open files of each traced process, sampled at sampling_rate. Samples go
// to the report, to /metrics and to the mediator.
package sysmetrics
