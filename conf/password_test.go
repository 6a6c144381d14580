package conf

import (
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	enc, err := EncodePassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "pbkdf2-sha256$600000$") || strings.Contains(enc, "s3cret") {
		t.Fatalf("encoded = %q", enc)
	}
	if err := ValidPassword(enc); err != nil {
		t.Errorf("ValidPassword(%q) = %v", enc, err)
	}
	again, _ := EncodePassword("s3cret")
	if again == enc {
		t.Error("two encodings of one password are equal: no salt")
	}
	// A known vector: PBKDF2-HMAC-SHA256("password", "salt", 1, 32)
	// (the value of Python's hashlib.pbkdf2_hmac).
	const vector = "pbkdf2-sha256$1$c2FsdA==$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="
	tests := []struct {
		encoded, plain string
		want           bool
	}{
		{enc, "s3cret", true},
		{enc, "s3cret ", false},
		{enc, "", false},
		{again, "s3cret", true},
		{vector, "password", true},
		{vector, "Password", false},
		{"pbkdf2-sha256$1$c2FsdA$Eg-2z_z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs", "password", true},
		{"s3cret", "s3cret", false},
		{"", "", false},
		{"pbkdf2-sha256$0$c2FsdA==$EgyZ", "password", false},
		{"pbkdf2-sha256$99999999999$c2FsdA==$EgyZ", "password", false},
		{"pbkdf2-sha1$1$c2FsdA==$EgyZ", "password", false},
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.encoded, tt.plain); got != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", tt.encoded, tt.plain, got, tt.want)
		}
	}
	if ValidPassword("plain") == nil {
		t.Error("ValidPassword accepts a plain password")
	}
}
