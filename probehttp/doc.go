// Package probehttp owns the probe's HTTP server ([Probe] httpserver_port):
// /metrics in the Prometheus text format, /status (probe id, engine, pids,
// uptime, losses, mediator state) and /api/report (the live JSON report).
// Every request needs HTTP Basic authentication with [Probe] username and
// password; the password is checked against its salted hash in constant
// time. The server listens on loopback unless httpserver_address says
// otherwise.
package probehttp
