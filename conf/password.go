package conf

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Password hashing for [Probe] password: salted PBKDF2-HMAC-SHA256, written
// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>". The hash is not
// reversible, unlike the guide's hpdiag_encodepassword.py encoding.
const (
	passwordScheme  = "pbkdf2-sha256"
	passwordIter    = 600_000 // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
	passwordMaxIter = 10_000_000
	passwordSalt    = 16
	passwordKeyLen  = 32
)

// EncodePassword returns the salted hash of plain to write as [Probe]
// password.
func EncodePassword(plain string) (string, error) {
	salt := make([]byte, passwordSalt)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("encoding the password: no random salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, plain, salt, passwordIter, passwordKeyLen)
	if err != nil {
		return "", fmt.Errorf("encoding the password: %w", err)
	}
	return fmt.Sprintf("%s$%d$%s$%s", passwordScheme, passwordIter,
		base64.StdEncoding.EncodeToString(salt), base64.StdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether plain is the password encoded (by
// EncodePassword) in encoded. The hashes are compared in constant time; a
// malformed encoded value matches nothing.
func CheckPassword(encoded, plain string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > passwordMaxIter {
		return false
	}
	salt, err1 := decodeB64(parts[2])
	want, err2 := decodeB64(parts[3])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, plain, salt, iter, len(want))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

// ValidPassword says what is wrong with an encoded password, or nil.
func ValidPassword(encoded string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return fmt.Errorf("not a %s$<iterations>$<salt>$<hash> value; write the output of `hpdiag-trace encode-password`", passwordScheme)
	}
	if n, err := strconv.Atoi(parts[1]); err != nil || n < 1 || n > passwordMaxIter {
		return fmt.Errorf("iterations %q: want 1–%d", parts[1], passwordMaxIter)
	}
	for _, p := range parts[2:] {
		if b, err := decodeB64(p); err != nil || len(b) == 0 {
			return fmt.Errorf("%q is not base64", p)
		}
	}
	return nil
}

// decodeB64 accepts standard or URL base64, padded or not.
func decodeB64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64: %q", s)
}
