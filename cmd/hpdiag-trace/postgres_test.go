//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pgBin is where Debian's postgresql package puts the server's programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// startPostgres runs a PostgreSQL server of its own (initdb into a
// temporary directory, trust authentication, 127.0.0.1 and a free port)
// as the user postgres, and stops it by its pid when the test ends. It
// returns the port.
func startPostgres(t *testing.T) int {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "postgres")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is not installed (Debian's postgresql, see .ci/run): %v", err)
		}
		t.Skipf("PostgreSQL is not installed: %v", err)
	}
	dir, err := os.MkdirTemp("", "hpdiag-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	out, err := exec.Command("chown", "postgres", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("chown postgres %s: %v\n%s", dir, err, out)
	}
	data := filepath.Join(dir, "data")
	asPostgres := func(args ...string) *exec.Cmd {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
	}
	if out, err := asPostgres(filepath.Join(pgBin, "initdb"), "-D", data, "--auth=trust", "-U", "postgres").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	srv := asPostgres(filepath.Join(pgBin, "postgres"), "-D", data, "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-k", dir)
	logf, _ := os.Create(filepath.Join(dir, "server.log"))
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		t.Fatalf("starting postgres: %v", err)
	}
	t.Cleanup(func() {
		// postgres runs under runuser: stop the server itself by the pid
		// it wrote, then reap runuser.
		if b, err := os.ReadFile(filepath.Join(data, "postmaster.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0]); err == nil {
				syscall.Kill(pid, syscall.SIGINT) // fast shutdown
			}
		}
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			srv.Process.Kill()
			<-done
		}
		logf.Close()
	})
	for i := 0; ; i++ {
		if exec.Command(filepath.Join(pgBin, "pg_isready"), "-h", "127.0.0.1", "-p", strconv.Itoa(port)).Run() == nil {
			return port
		}
		if i == 100 {
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Fatalf("postgres did not start:\n%s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDjangoPostgresUnderEBPF: Debian's Django on PostgreSQL through
// psycopg2 (libpq, seen by its uprobes): request names and statements with
// their counts.
func TestDjangoPostgresUnderEBPF(t *testing.T) {
	requireEBPF(t)
	py := "/usr/bin/python3"
	requireModule(t, py, "django", "psycopg2")
	pg := startPostgres(t)
	withPoints(t, "django.point", func(t *testing.T, points []string) { checkDjango(t, py, pg, points) })
}

func checkDjango(t *testing.T, py string, pg int, points []string) {
	dir := t.TempDir()
	cfg := writeConf(t, dir, "[Probe]\nuri_replace_pattern = s#/items/[0-9]+#/items/<n>#\n")
	port := freePort(t)
	args := append([]string{"--mode", "ebpf", "-c", cfg, "--report", "r.json"}, points...)
	a := startTraced(t, dir, append(args, "--",
		py, mustAbs(t, "testdata/requests/djangoapp.py"), strconv.Itoa(port), "127.0.0.1", strconv.Itoa(pg))...)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 1; i <= 5; i++ {
		if code, body := get(t, fmt.Sprintf("%s/items/%d", base, i), 30*time.Second); code != 200 || body != fmt.Sprintf("item%d", i) {
			t.Fatalf("/items/%d: %d %q", i, code, body)
		}
	}
	if code, body := get(t, base+"/count", 0); code != 200 || body != "10" {
		t.Fatalf("/count: %d %q", code, body)
	}
	get(t, base+"/quit", 0)
	a.wait(t, 30*time.Second)
	rep := readFullReport(t, filepath.Join(dir, "r.json"))
	srs := map[string]uint64{}
	for _, sr := range rep.ServerRequests {
		srs[sr.Name] = sr.Count
	}
	if srs["/items/<n>"] != 5 || srs["/count"] != 1 {
		t.Errorf("server_requests = %v, want /items/<n> 5 and /count 1", srs)
	}
	sql := map[string]uint64{}
	for _, q := range rep.SQL {
		sql[q.Statement] = q.Count
	}
	for stmt, n := range map[string]uint64{
		"SELECT name FROM items WHERE id = ?": 5,
		"SELECT count(*) FROM items":          1,
		"INSERT INTO items VALUES (?, ?)":     10,
	} {
		if sql[stmt] != n {
			t.Errorf("sql %q: count %d, want %d (all: %v)", stmt, sql[stmt], n, sql)
		}
	}
	if n := methodCountOf(rep, "django.core.handlers.wsgi", "WSGIHandler", "__call__"); len(points) > 0 && n != 7 {
		t.Errorf("django.core.handlers.wsgi.WSGIHandler.__call__: count %d, want 7", n)
	}
}

// TestPostgresWireUnderEBPF: a pure-Python driver (Debian's pg8000) has no
// libpq: its statements are read off PostgreSQL's wire protocol.
func TestPostgresWireUnderEBPF(t *testing.T) {
	requireEBPF(t)
	py := "/usr/bin/python3"
	requireModule(t, py, "pg8000")
	pg := startPostgres(t)
	dir := t.TempDir()
	r := runTracer(t, dir, "--mode", "ebpf", "--report", "r.json", "--",
		py, mustAbs(t, "testdata/requests/pgwire.py"), "127.0.0.1", strconv.Itoa(pg))
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	rep := readFullReport(t, filepath.Join(dir, "r.json"))
	type count struct{ n, errors uint64 }
	sql := map[string]count{}
	for _, q := range rep.SQL {
		sql[q.Statement] = count{q.Count, q.Errors}
	}
	for stmt, want := range map[string]count{
		"INSERT INTO wire VALUES ($1, $2)":    {4, 0},
		"SELECT name FROM wire WHERE id = $1": {3, 0},
		"SELECT * FROM no_such_table":         {1, 1},
	} {
		if sql[stmt] != want {
			t.Errorf("sql %q: %+v, want %+v (all: %v)", stmt, sql[stmt], want, sql)
		}
	}
}
