package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestShopUnderShim is the foundation's acceptance test: a class Shop whose
// checkout() calls price() 50 times and a module function that raises, in 4
// threads, traced by the shim on every interpreter installed here. Every
// matched call is counted exactly, exceptions count as errors, the module is
// the script's file stem and the class is Shop; the app's output and exit
// code are its own.
func TestShopUnderShim(t *testing.T) {
	for _, py := range interpreters(t) {
		py := py
		t.Run(strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) {
			t.Parallel()
			checkShop(t, "shim", py)
		})
	}
}

// shopScript and shopPoints are the bundled example app and its points.
func shopFiles(t *testing.T) (script, points string) {
	t.Helper()
	script, _ = filepath.Abs("../../examples/shop/shop.py")
	points, _ = filepath.Abs("../../examples/shop/shop.point")
	return script, points
}

// shopWant is what one run of the shop with 6 checkouts per thread
// reports: module.class.method -> count, errors.
func shopWant(runs int) map[string][2]int {
	const perThread, threads = 6, 4
	baskets := perThread * threads * runs
	// Baskets i*1000+k, k < 6: k=1 and k=5 are declined (basket%4 == 1).
	declined := 2 * threads * runs
	return map[string][2]int{
		"shop.Shop.checkout":    {baskets, 0},
		"shop.Shop.price":       {baskets * 50, 0},
		"shop.Shop.store_order": {baskets, 0},
		"shop.charge_card":      {baskets, declined},
	}
}

// checkShop traces the shop under an engine with py and checks the counts,
// the app's output and the report's probe section.
func checkShop(t *testing.T, mode, py string, extra ...string) {
	shop, points := shopFiles(t)
	plain, err := exec.Command(py, shop, "6").CombinedOutput()
	if err != nil {
		t.Fatalf("plain run: %v\n%s", err, plain)
	}
	dir := t.TempDir()
	args := append(append([]string{"--mode", mode}, extra...), "-p", points, "--report", "r.json", "--", py, shop, "6")
	r := runTracer(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if r.stdout != string(plain) {
		t.Errorf("the app's output changed under the tracer:\n got %q\nwant %q", r.stdout, plain)
	}
	rep := readReport(t, filepath.Join(dir, "r.json"))
	checkMethods(t, rep, shopWant(1))
	if t.Failed() {
		t.Logf("stderr:\n%s", r.stderr)
	}
	if rep.DroppedEvents != 0 {
		t.Errorf("dropped_events = %d", rep.DroppedEvents)
	}
	if rep.Probe.Engine != mode || rep.Probe.Python == "" || len(rep.Probe.PIDs) != 1 {
		t.Errorf("probe = %+v, want engine %s, python and one pid", rep.Probe, mode)
	}
}

// checkMethods compares the report's method counts and errors with want,
// which names every method the report may hold.
func checkMethods(t *testing.T, rep jsonReport, want map[string][2]int) {
	t.Helper()
	got := map[string][2]int{}
	for _, m := range rep.Methods {
		name := m.Module + "." + m.Method
		if m.Class != "" {
			name = m.Module + "." + m.Class + "." + m.Method
		}
		got[name] = [2]int{m.Count, m.Errors}
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: count, errors = %v, want %v", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("methods = %v, want exactly %v", got, want)
	}
}
