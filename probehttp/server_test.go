package probehttp

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// cheapHash encodes a password with few iterations, to keep tests fast.
func cheapHash(t *testing.T, plain string) string {
	t.Helper()
	salt := []byte("0123456789abcdef")
	key, err := pbkdf2.Key(sha256.New, plain, salt, 1000, 32)
	if err != nil {
		t.Fatal(err)
	}
	return "pbkdf2-sha256$1000$" + base64.StdEncoding.EncodeToString(salt) + "$" + base64.StdEncoding.EncodeToString(key)
}

func testReport() *pipeline.Report {
	return &pipeline.Report{
		Probe:          pipeline.ProbeReport{ID: "probe-7", Engine: "shim", PIDs: []int32{4242}},
		Events:         12,
		DroppedEvents:  3,
		ServerRequests: []pipeline.ServerRequest{{Name: `/items/{id}`, Type: "HTTP", Latency: pipeline.Latency{Count: 4, TotalMS: 20, P95MS: 9, P99MS: 9}}},
		Methods:        []pipeline.MethodStat{{Module: "app", Method: "view", Layer: "Flask", Latency: pipeline.Latency{Count: 4}}},
		Mediator:       &pipeline.MediatorReport{Connected: true, SpansOverflowed: 2},
	}
}

func start(t *testing.T, user, encoded string) *Server {
	t.Helper()
	s, err := Start(Options{Address: "127.0.0.1", Port: 0, Username: user, Password: encoded, Snapshot: testReport})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func get(t *testing.T, s *Server, path, user, pass string, auth bool) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+s.Addr().String()+path, nil)
	if auth {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestAuthentication(t *testing.T) {
	s := start(t, "ops", cheapHash(t, "s3cret"))
	tests := []struct {
		name       string
		path       string
		user, pass string
		auth       bool
		want       int
	}{
		{"no credentials", "/metrics", "", "", false, 401},
		{"wrong password", "/metrics", "ops", "guess", true, 401},
		{"wrong user", "/metrics", "root", "s3cret", true, 401},
		{"empty password", "/metrics", "ops", "", true, 401},
		{"right", "/metrics", "ops", "s3cret", true, 200},
		{"right again (remembered)", "/metrics", "ops", "s3cret", true, 200},
		{"wrong user after right", "/metrics", "root", "s3cret", true, 401},
		{"status", "/status", "ops", "s3cret", true, 200},
		{"report", "/api/report", "ops", "s3cret", true, 200},
		{"report without credentials", "/api/report", "", "", false, 401},
		{"unknown path", "/nope", "ops", "s3cret", true, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, s, tt.path, tt.user, tt.pass, tt.auth)
			if code != tt.want {
				t.Fatalf("GET %s = %d, want %d: %s", tt.path, code, tt.want, body)
			}
			if code != 200 {
				if strings.Contains(body, "probe-7") {
					t.Errorf("a refused request got data: %s", body)
				}
				return
			}
			switch tt.path {
			case "/metrics":
				for _, want := range []string{
					"# TYPE hpdiag_server_request_duration_seconds summary\n",
					`hpdiag_server_request_duration_seconds_count{name="/items/{id}",type="HTTP"} 4` + "\n",
					`hpdiag_method_calls_total{module="app",class="",method="view",layer="Flask"} 4` + "\n",
					"hpdiag_dropped_events_total 3\n",
					"hpdiag_mediator_spans_overflowed_total 2\n",
				} {
					if !strings.Contains(body, want) {
						t.Errorf("/metrics lacks %q:\n%s", want, body)
					}
				}
			case "/status":
				var st Status
				if err := json.Unmarshal([]byte(body), &st); err != nil || st.ProbeID != "probe-7" || st.DroppedEvents != 3 || len(st.PIDs) != 1 {
					t.Errorf("/status = %s (%v)", body, err)
				}
			case "/api/report":
				var r pipeline.Report
				if err := json.Unmarshal([]byte(body), &r); err != nil || r.Probe.ID != "probe-7" {
					t.Errorf("/api/report = %s (%v)", body, err)
				}
			}
		})
	}
}

func TestEncodedPasswordAndDefaults(t *testing.T) {
	enc, err := conf.EncodePassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, "", enc)
	if code, _ := get(t, s, "/status", DefaultUsername, "pw", true); code != 200 {
		t.Errorf("default user with the encoded password: %d", code)
	}
	if _, err := Start(Options{Address: "127.0.0.1", Password: "c2VjcmV0", ConfigFile: "/etc/probe.conf", Snapshot: testReport}); err == nil ||
		!strings.Contains(err.Error(), "/etc/probe.conf: [Probe] password") {
		t.Errorf("a reversible password was accepted: %v", err)
	}
	port := s.Addr().(*net.TCPAddr).Port
	if _, err := Start(Options{Address: "127.0.0.1", Port: port, Password: enc, Snapshot: testReport}); err == nil ||
		!strings.Contains(err.Error(), "httpserver_port") {
		t.Errorf("a port in use: %v", err)
	}
}
