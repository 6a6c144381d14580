package conf

import (
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	enc, err := EncodePassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, PasswordScheme+"$210000$") || strings.Count(enc, "$") != 3 {
		t.Fatalf("EncodePassword = %q, want pbkdf2-sha256$210000$salt$hash", enc)
	}
	again, _ := EncodePassword("s3cret")
	if again == enc {
		t.Error("two encodings of one password are equal: the salt is not random")
	}
	tests := []struct {
		password string
		want     bool
	}{{"s3cret", true}, {"s3cret ", false}, {"", false}, {"S3cret", false}}
	for _, tt := range tests {
		got, err := CheckPassword(enc, tt.password)
		if err != nil || got != tt.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tt.password, got, err, tt.want)
		}
	}
}

func TestPasswordKnownVector(t *testing.T) {
	// PBKDF2-HMAC-SHA256("password", "salt", 1, 32), as computed by
	// Python's hashlib.pbkdf2_hmac.
	enc, err := encodeWith("password", []byte("salt"), 1)
	if err != nil {
		t.Fatal(err)
	}
	const want = "pbkdf2-sha256$1$c2FsdA$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs"
	if enc != want {
		t.Errorf("encodeWith = %q, want %q", enc, want)
	}
}

func TestCheckPasswordRejects(t *testing.T) {
	tests := []struct{ name, encoded, want string }{
		{"plain", "c2VjcmV0", "not an encoded password"},
		{"scheme", "md5$1$c2FsdA$abcd", "not an encoded password"},
		{"iterations", "pbkdf2-sha256$x$c2FsdA$abcd", "iteration count"},
		{"salt", "pbkdf2-sha256$1$!!$abcd", "salt"},
		{"hash", "pbkdf2-sha256$1$c2FsdA$", "hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := CheckPassword(tt.encoded, "x")
			if ok || err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "encode-password") {
				t.Errorf("CheckPassword(%q) = %v, %v; want an error about %s naming the fix", tt.encoded, ok, err, tt.want)
			}
		})
	}
}

func TestPointFromArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []PointArg
		class   string
		args0   []ArgSpec
		wantErr string
	}{
		{"clazz and args", []PointArg{{"module", "^app$"}, {"clazz", "^Fibo$"}, {"method", "^fib$"}, {"layer", "L"}, {"args", "0"}}, "^Fibo$", []ArgSpec{{Index: 0}}, ""},
		{"args joins detail", []PointArg{{"module", "m"}, {"method", "f"}, {"layer", "L"}, {"detail", "method_no_trim"}, {"args", "name, 1"}}, "", []ArgSpec{{Index: -1, Name: true}, {Index: 1}}, ""},
		{"bad regex", []PointArg{{"module", "("}, {"method", "f"}, {"layer", "L"}}, "", nil, "app.py:7"},
		{"no layer", []PointArg{{"module", "m"}, {"method", "f"}}, "", nil, "has no layer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PointFromArgs("p", tt.args, "app.py", 7, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cls := ""
			if p.Class != nil {
				cls = p.Class.String()
			}
			if cls != tt.class || len(p.Detail.Args) != len(tt.args0) {
				t.Fatalf("class %q args %v", cls, p.Detail.Args)
			}
			for i := range tt.args0 {
				if p.Detail.Args[i] != tt.args0[i] {
					t.Errorf("args[%d] = %v, want %v", i, p.Detail.Args[i], tt.args0[i])
				}
			}
		})
	}
}

func TestDefaultProbeConfReadsAsDefaults(t *testing.T) {
	path := writeTemp(t, "probe.conf", DefaultProbeConf())
	var warnings []string
	cfg, err := LoadProbeConf(path, func(e *Error) { warnings = append(warnings, e.Error()) })
	if err != nil || len(warnings) > 0 {
		t.Fatalf("LoadProbeConf: %v, warnings %v", err, warnings)
	}
	def := Defaults()
	if cfg.Probe.MaximumStackDepth != def.Probe.MaximumStackDepth || cfg.Probe.AutoInstrument != def.Probe.AutoInstrument {
		t.Errorf("the template does not read as the defaults: %+v", cfg.Probe)
	}
	for _, k := range Keys() {
		if !strings.Contains(DefaultProbeConf(), "#"+k.Key+" = ") {
			t.Errorf("key %s missing from the template", k.Key)
		}
	}
}
