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

// PasswordScheme is the first field of an encoded password.
const PasswordScheme = "pbkdf2-sha256"

// PasswordIterations is the PBKDF2 iteration count EncodePassword uses.
const PasswordIterations = 210_000

// passwordSaltLen and passwordKeyLen are in bytes.
const (
	passwordSaltLen = 16
	passwordKeyLen  = 32
)

// EncodePassword returns a salted hash of password in a self-describing
// form, pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64> (standard
// base64 without padding), for [Probe] password. The salt is new each call.
func EncodePassword(password string) (string, error) {
	salt := make([]byte, passwordSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("making a salt: %w", err)
	}
	return encodeWith(password, salt, PasswordIterations)
}

func encodeWith(password string, salt []byte, iterations int) (string, error) {
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, passwordKeyLen)
	if err != nil {
		return "", fmt.Errorf("hashing the password: %w", err)
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("%s$%d$%s$%s", PasswordScheme, iterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches encoded, a value made by
// EncodePassword. The hashes are compared in constant time. An encoded value
// that is not in that form is an error naming what is wrong and the fix.
func CheckPassword(encoded, password string) (bool, error) {
	iterations, salt, want, err := parsePassword(encoded)
	if err != nil {
		return false, err
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iterations, len(want))
	if err != nil {
		return false, fmt.Errorf("hashing the password: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// ValidPassword says what is wrong with an encoded password, or nil: for
// checking probe.conf before anything starts.
func ValidPassword(encoded string) error {
	_, _, _, err := parsePassword(encoded)
	return err
}

func parsePassword(encoded string) (iterations int, salt, hash []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != PasswordScheme {
		// The value is not repeated: it may be a password in clear.
		return 0, nil, nil, fmt.Errorf("not a %s$<iterations>$<salt>$<hash> value: not an encoded password; make one with hpdiag-trace encode-password", PasswordScheme)
	}
	iterations, err = strconv.Atoi(parts[1])
	if err != nil || iterations < 1 || iterations > 100_000_000 {
		return 0, nil, nil, fmt.Errorf("encoded password: iteration count %q is not a number from 1 to 100000000; make a new one with hpdiag-trace encode-password", parts[1])
	}
	if salt, err = decodeB64(parts[2]); err != nil || len(salt) == 0 {
		return 0, nil, nil, fmt.Errorf("encoded password: the salt is not base64; make a new one with hpdiag-trace encode-password")
	}
	if hash, err = decodeB64(parts[3]); err != nil || len(hash) == 0 {
		return 0, nil, nil, fmt.Errorf("encoded password: the hash is not base64; make a new one with hpdiag-trace encode-password")
	}
	return iterations, salt, hash, nil
}

// decodeB64 accepts standard or URL base64, padded or not: hashes made by
// other tools in the same scheme are accepted.
func decodeB64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.StdEncoding, base64.RawURLEncoding, base64.URLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64: %q", shorten(s))
}

// shorten keeps messages about a bad value from printing a whole secret.
func shorten(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}
