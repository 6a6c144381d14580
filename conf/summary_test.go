package conf

import (
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	cfg, err := LoadProbeConf("testdata/guide.conf", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Probe.Password = "c2VjcmV0"
	points, err := LoadPoints("testdata/points/main.point", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Summarize(cfg, points)
	want := `probe.conf: testdata/guide.conf
settings other than the defaults:
  [Logging] level_exceptions = {r'hpdiag\.location.*' : 'DEBUG', r'hpdiag\.importhook.*' : 'INFO'}
  [Probe] probe_id = PythonProbe%0
  [Probe] uri_replace_pattern = s#(;/?\!).*$##,s#.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$#Static Content#
  [Probe] uri_pathsegments = -1
  [Probe] password = (set)
points: 5 from 4 files
  testdata/points/main.point: 2
  testdata/points/sub/a.point: 1
  testdata/points/common/b.point: 1
  testdata/points/other/c.point: 1
layers: App (1), A (1), B (1), C (1), Web (1)
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "c2VjcmV0") {
		t.Error("the summary shows the password")
	}
}

func TestSummarizeDefaults(t *testing.T) {
	want := "settings: all defaults\npoints: none\n"
	if got := Summarize(nil, nil); got != want {
		t.Errorf("Summarize(nil, nil) = %q, want %q", got, want)
	}
	if got := Summarize(Defaults(), nil); got != want {
		t.Errorf("Summarize(Defaults(), nil) = %q, want %q", got, want)
	}
}

func TestSummarizeMetrics(t *testing.T) {
	cfg, err := LoadProbeConf("testdata/full.conf", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Summarize(cfg, nil)
	for _, want := range []string{
		"[Mediator] channeltype = multiprocess\n",
		"[Mediator] keep_alive_interval = 2min\n",
		"[Probe] minimum_fragment_latency = 500ms\n",
		"[Logging] utc = true\n",
		"[SystemMetrics]: 2 metrics\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}
