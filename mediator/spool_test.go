package mediator

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

func TestSpoolOrderBoundAndReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := openSpool(dir, 25)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range []string{"aaaaaaaaaa", "bbbbbbbbbb"} {
		if err := s.put([]byte(b), i+1); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.put([]byte("cccccccccc"), 5); !errors.Is(err, errFull) {
		t.Fatalf("put past the bound = %v, want errFull", err)
	}
	os.WriteFile(filepath.Join(dir, "x.otlp.tmp"), []byte("half"), 0o600) // a crash mid-write
	s2, err := openSpool(dir, 25)
	if err != nil {
		t.Fatal(err)
	}
	if b, n, size := s2.pending(); b != 2 || n != 3 || size != 20 {
		t.Fatalf("reopened: %d batches, %d items, %d bytes", b, n, size)
	}
	for _, want := range []string{"aaaaaaaaaa", "bbbbbbbbbb"} {
		f, data, ok, err := s2.head()
		if !ok || err != nil || !bytes.Equal(data, []byte(want)) {
			t.Fatalf("head = %q, %v, %v; want %q", data, ok, err, want)
		}
		s2.drop(f)
	}
	if _, _, ok, _ := s2.head(); ok {
		t.Error("spool not empty after dropping everything")
	}
	if err := s2.put([]byte("dddddddddd"), 1); err != nil {
		t.Errorf("put after drain: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.otlp.tmp")); !os.IsNotExist(err) {
		t.Error("a partial write was left in the buffer")
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		probe    string
		env      map[string]string
		enabled  bool
		endpoint string
		protocol string
		err      bool
	}{
		{"defaults: off", "", nil, false, "localhost:2006", ProtocolHTTP, false},
		{"hostname set", "[Mediator]\nhostname = otel.example\nport = 4318\n", nil, true, "otel.example:4318", ProtocolHTTP, false},
		{"env endpoint", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, true, "http://c:4318", ProtocolHTTP, false},
		{"traces endpoint wins", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t:4318/v1/traces"}, true, "http://t:4318/v1/traces", ProtocolHTTP, false},
		{"grpc", "[Mediator]\nport = 4317\n", map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, true, "localhost:4317", ProtocolGRPC, false},
		{"sdk disabled", "[Mediator]\nport = 4317\n", map[string]string{"OTEL_SDK_DISABLED": "true"}, false, "localhost:4317", ProtocolHTTP, false},
		{"json refused", "", map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, false, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := conf.Defaults()
			if tt.probe != "" {
				path := filepath.Join(t.TempDir(), "probe.conf")
				os.WriteFile(path, []byte(tt.probe), 0o600)
				var err error
				if cfg, err = conf.LoadProbeConf(path, nil); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Resolve(cfg, func(k string) string { return tt.env[k] })
			if tt.err {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil || s.Enabled != tt.enabled || s.Endpoint != tt.endpoint || s.Protocol != tt.protocol {
				t.Errorf("Resolve = %+v, %v", s, err)
			}
		})
	}
}
