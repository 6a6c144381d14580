// Command bench runs Python workloads plain and under each engine of
// hpdiag-trace, side by side in one run, and prints the cost per call and the
// slowdown ratios. It is run by `make bench`; its figures are not assertions.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"
)

// fibCalls is the number of Python calls fib(n) makes.
func fibCalls(n int) int {
	if n < 2 {
		return 1
	}
	return 1 + fibCalls(n-1) + fibCalls(n-2)
}

type options struct {
	tracer  string
	dir     string
	runs    int
	fibN    int
	pythons []string
}

func main() {
	var o options
	flag.StringVar(&o.tracer, "tracer", "bin/hpdiag-trace", "the hpdiag-trace binary")
	flag.StringVar(&o.dir, "workloads", "bench/workloads", "directory of the workloads")
	flag.IntVar(&o.runs, "runs", 5, "runs of each measurement; the fastest counts")
	flag.IntVar(&o.fibN, "fib", 25, "fib(N) for the per-call workload")
	flaskOnly := flag.Bool("flask-only", false, "only the Flask comparison (E1 and E0 under wrk)")
	only := flag.String("only", "", "run one part: shim, fib (E1 on fib) or flask")
	flag.Parse()
	o.pythons = flag.Args()
	if len(o.pythons) == 0 {
		o.pythons = installedPythons()
	}
	if len(o.pythons) == 0 {
		fmt.Fprintln(os.Stderr, "bench: no Python interpreter found; name them as arguments")
		os.Exit(2)
	}
	parts := map[string]func(options) error{"shim": report, "fib": reportEBPF, "flask": reportFlask}
	order := []string{"shim", "fib", "flask"}
	if *flaskOnly {
		*only = "flask"
	}
	if *only != "" {
		if parts[*only] == nil {
			fmt.Fprintf(os.Stderr, "bench: -only %q: want shim, fib or flask\n", *only)
			os.Exit(2)
		}
		order = []string{*only}
	}
	for _, name := range order {
		if err := parts[name](o); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
}

func installedPythons() []string {
	found, _ := filepath.Glob("/root/.pyenv/versions/3.*/bin/python3")
	var ok []string
	for _, p := range found {
		if out, err := exec.Command(p, "-c", "import sys; print(sys.version_info >= (3, 8))").Output(); err == nil && string(out) == "True\n" {
			ok = append(ok, p)
		}
	}
	if _, err := os.Stat("/usr/bin/python3.11"); err == nil {
		ok = append(ok, "/usr/bin/python3.11")
	}
	sort.Strings(ok)
	return ok
}

// row is one interpreter's measurements.
type row struct {
	python                     string
	plainEmpty, plainFib       time.Duration
	shimEmpty, shimFib, shimNo time.Duration
}

func report(o options) error {
	calls := fibCalls(o.fibN)
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Printf("fib(%d) = %d Python calls; fastest of %d runs; start-up subtracted\n\n", o.fibN, calls, o.runs)
	fmt.Fprintln(w, "python\tplain ns/call\tshim, fib selected: ns/call\tratio\tshim, nothing selected: ns/call\tratio\t")
	for _, py := range o.pythons {
		r, err := measure(o, py)
		if err != nil {
			return err
		}
		plain := perCall(r.plainFib-r.plainEmpty, calls)
		sel := perCall(r.shimFib-r.shimEmpty, calls)
		none := perCall(r.shimNo-r.shimEmpty, calls)
		fmt.Fprintf(w, "%s\t%.0f\t%.0f\t%.1fx\t%.0f\t%.2fx\t\n", py, plain, sel, sel/plain, none, none/plain)
	}
	return w.Flush()
}

func perCall(d time.Duration, calls int) float64 { return float64(d.Nanoseconds()) / float64(calls) }

func measure(o options, py string) (row, error) {
	fib := filepath.Join(o.dir, "fib.py")
	empty := filepath.Join(o.dir, "empty.py")
	n := fmt.Sprint(o.fibN)
	shim := func(point string, args ...string) []string {
		return append([]string{o.tracer, "--mode", "shim", "-q", "-p", filepath.Join(o.dir, point), "--", py}, args...)
	}
	r := row{python: py}
	cases := []struct {
		into *time.Duration
		argv []string
	}{
		{&r.plainEmpty, []string{py, empty}},
		{&r.plainFib, []string{py, fib, n}},
		{&r.shimEmpty, shim("fib.point", empty)},
		{&r.shimFib, shim("fib.point", fib, n)},
		{&r.shimNo, shim("none.point", fib, n)},
	}
	// Interleave the cases run by run so that machine noise hits all alike.
	for i := 0; i < o.runs; i++ {
		for _, c := range cases {
			d, err := timed(c.argv)
			if err != nil {
				return r, err
			}
			if i == 0 || d < *c.into {
				*c.into = d
			}
		}
	}
	return r, nil
}

func timed(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %w", argv, err)
	}
	return time.Since(start), nil
}
