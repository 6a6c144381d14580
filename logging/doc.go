// Package logging owns the probe's log file, as the guide's [Logging]: the
// RotatingFileHandler (by size: max_file_size, backup_count) and the
// TimedRotatingFileHandler (when, interval, utc, backup_count) rotations,
// the default level and level_exceptions per component, with logrus.
//
// Rotation closes the file before renaming it, so it works on every OS
// (Windows cannot rename an open file, the guide's troubleshooting T2).
// Components are the tracer's parts, named like the guide's loggers:
// hpdiag.trace, hpdiag.pipeline, hpdiag.shim, hpdiag.mediator,
// hpdiag.probehttp, hpdiag.sysmetrics. A log entry names its component in
// the field "component".
package logging
