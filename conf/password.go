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
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != PasswordScheme {
		return false, fmt.Errorf("password %q is not an encoded password (%s$<iterations>$<salt>$<hash>); make one with hpdiag-trace encode-password", shorten(encoded), PasswordScheme)
	}
	iterations, err := strconv.Atoi(parts[1])
	if err != nil || iterations < 1 || iterations > 100_000_000 {
		return false, fmt.Errorf("encoded password: iteration count %q is not a number from 1 to 100000000; make a new one with hpdiag-trace encode-password", parts[1])
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[2])
	if err != nil || len(salt) == 0 {
		return false, fmt.Errorf("encoded password: the salt is not base64; make a new one with hpdiag-trace encode-password")
	}
	want, err := enc.DecodeString(parts[3])
	if err != nil || len(want) == 0 {
		return false, fmt.Errorf("encoded password: the hash is not base64; make a new one with hpdiag-trace encode-password")
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iterations, len(want))
	if err != nil {
		return false, fmt.Errorf("hashing the password: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// shorten keeps messages about a bad value from printing a whole secret.
func shorten(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}
