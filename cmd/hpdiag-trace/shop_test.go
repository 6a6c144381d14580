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
	shop, _ := filepath.Abs("../../examples/shop/shop.py")
	points, _ := filepath.Abs("../../examples/shop/shop.point")
	const perThread, threads = 6, 4
	baskets := perThread * threads
	// Baskets i*1000+k, k < 6: k=1 and k=5 are declined (basket%4 == 1).
	declined := 2 * threads
	want := map[string][2]int{ // module.class.method -> count, errors
		"shop.Shop.checkout":    {baskets, 0},
		"shop.Shop.price":       {baskets * 50, 0},
		"shop.Shop.store_order": {baskets, 0},
		"shop.charge_card":      {baskets, declined},
	}
	for _, py := range interpreters(t) {
		py := py
		t.Run(strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) {
			t.Parallel()
			plain, err := exec.Command(py, shop, "6").CombinedOutput()
			if err != nil {
				t.Fatalf("plain run: %v\n%s", err, plain)
			}
			dir := t.TempDir()
			r := runTracer(t, dir, "--mode", "shim", "-p", points, "--report", "r.json", "--", py, shop, "6")
			if r.code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
			}
			if r.stdout != string(plain) {
				t.Errorf("the app's output changed under the tracer:\n got %q\nwant %q", r.stdout, plain)
			}
			rep := readReport(t, filepath.Join(dir, "r.json"))
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
			if rep.DroppedEvents != 0 {
				t.Errorf("dropped_events = %d", rep.DroppedEvents)
			}
			if rep.Probe.Engine == "" || rep.Probe.Python == "" || len(rep.Probe.PIDs) != 1 {
				t.Errorf("probe = %+v, want engine, python and one pid", rep.Probe)
			}
		})
	}
}
