// Package report owns the report files: the self-contained HTML report
// (server requests, collapsible call-profile trees, the layer breakdown as
// a chart, SQL statements, system-metric charts), one file with its page,
// styles, script and data embedded, which fetches nothing from the network.
// The data is embedded base64-encoded and rendered by the page's script.
package report
