package report

import (
	"bytes"
	"context"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

func sampleReport() *pipeline.Report {
	lat := pipeline.Latency{Count: 3, TotalMS: 30, AvgMS: 10, MaxMS: 12, P95MS: 12, P99MS: 12}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	return &pipeline.Report{
		Probe:   pipeline.ProbeReport{ID: "probe-html", Engine: "shim", PIDs: []int32{42}},
		Started: now, Ended: now.Add(time.Minute), DurationMS: 60000,
		ServerRequests: []pipeline.ServerRequest{
			{Name: "/items/{id}", Type: "HTTP", Latency: lat},
			{Name: "/a<b>&\"c\"", Type: "HTTP", Latency: lat},
			{Name: "shop.Shop.checkout", Type: "Pseudo", Latency: lat},
		},
		Methods: []pipeline.MethodStat{{Module: "app", Method: "view", Layer: "Flask", Latency: lat}},
		SQL:     []pipeline.SQLStat{{Statement: "SELECT name FROM items WHERE id = ?", Latency: lat}},
		Layers:  []pipeline.LayerStat{{Layer: "Flask", LayerType: "method", Calls: 3, ExclusiveMS: 20}, {Layer: "SQL", LayerType: "sql", Calls: 3, ExclusiveMS: 10}},
		Instances: []pipeline.Instance{{ServerRequest: "/items/{id}", Type: "HTTP", PID: 42, DurationMS: 12, URI: "/items/3",
			Tree: &pipeline.TreeNode{Module: "app", Method: "view", Layer: "Flask", DurationMS: 12,
				Children: []*pipeline.TreeNode{{Module: "sqlite3", Method: "execute", Layer: "SQL", DurationMS: 4, Arg: "SELECT 1", Children: []*pipeline.TreeNode{}}}}}},
		SystemMetrics: &pipeline.SystemMetricsReport{SamplingRateS: 1, Metrics: []string{"cpu"}, Samples: []pipeline.SystemSample{
			{Time: now, CPUPercent: 10, Processes: []pipeline.ProcessSample{{PID: 42, RSSBytes: 10 << 20}}},
			{Time: now.Add(time.Second), CPUPercent: 30, Processes: []pipeline.ProcessSample{{PID: 42, RSSBytes: 12 << 20}}},
		}},
	}
}

// TestHTMLSelfContained: one file, no network reference, the data only in
// encoded form (so that what a browser shows was drawn by the script).
func TestHTMLSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"http://", "https://", "//cdn", "<link", "src=\"", "/items/{id}", "checkout"} {
		if strings.Contains(strings.ReplaceAll(page, "http://www.w3.org/2000/svg", ""), bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if !strings.Contains(page, `id="report-data"`) {
		t.Error("no embedded data")
	}
}

// chromium returns the path of Debian's chromium; without it the test
// fails under CI=true and is skipped elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing: apt-get install -y chromium (.ci/run does it)")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium)")
	return ""
}

// dumpDOM renders the page in headless Chromium and returns the DOM after
// its scripts ran.
func dumpDOM(t *testing.T, file string) string {
	t.Helper()
	bin := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+file)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	return out.String()
}

func TestHTMLInChromium(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, sampleReport()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dom := dumpDOM(t, file)
	if !strings.Contains(dom, `data-rendered="true"`) {
		t.Fatalf("the script did not finish:\n%s", dom)
	}
	for _, name := range []string{"/items/{id}", "/a<b>&\"c\"", "shop.Shop.checkout"} {
		cell := `<td class="name sr-name">` + html.EscapeString(name) + `</td>`
		cell = strings.ReplaceAll(cell, "&#34;", "\"") // Chromium writes quotes in text as is
		if !strings.Contains(dom, cell) {
			t.Errorf("the rendered page lacks the server request %q (%s)", name, cell)
		}
	}
	for _, want := range []string{"SELECT name FROM items WHERE id = ?", "sqlite3.execute", "<polyline", `aria-label="layer breakdown"`} {
		if !strings.Contains(dom, html.EscapeString(want)) && !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
}
