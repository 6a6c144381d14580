package outputs

import (
	"fmt"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/mediator"
	"github.com/hpdiag/hpdiag-trace/sysmetrics"
)

// Check finds, without starting anything, what would stop the outputs: a
// bad OTEL_* variable, a [SystemMetrics] group, a [Probe] password that is
// not a hash from encode-password. The error names probe.conf and the fix.
func Check(cfg *conf.Config, getenv func(string) string) error {
	where := cfg.File
	if where == "" {
		where = "probe.conf"
	}
	if _, err := mediator.Resolve(cfg, getenv); err != nil {
		return err
	}
	if cfg.SystemMetricsCollector.Enabled {
		if _, err := sysmetrics.Select(cfg.SystemMetrics, where); err != nil {
			return err
		}
	}
	if cfg.Probe.HTTPServerPort > 0 && cfg.Probe.Password != "" {
		if err := conf.ValidPassword(cfg.Probe.Password); err != nil {
			return fmt.Errorf("%s: [Probe] password: %v", where, err)
		}
	}
	return nil
}
