package probehttp

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// DefaultUsername is the user name when [Probe] username is empty.
const DefaultUsername = "hpdiag"

// authenticator checks HTTP Basic credentials against the user name and the
// encoded password. PBKDF2 is slow on purpose, so a credential that passed
// once is remembered by its SHA-256 and later requests compare that, in
// constant time; checks of new credentials run one at a time, which bounds
// what a guesser costs the host.
type authenticator struct {
	user    string
	encoded string

	checkMu sync.Mutex // one PBKDF2 at a time
	mu      sync.Mutex
	good    [][sha256.Size]byte
}

func newAuthenticator(user, encoded string) *authenticator {
	if user == "" {
		user = DefaultUsername
	}
	return &authenticator{user: user, encoded: encoded}
}

// randomPassword returns a fresh password and its encoding, for a run whose
// probe.conf sets none.
func randomPassword() (plain, encoded string, err error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	plain = base64.RawURLEncoding.EncodeToString(b)
	encoded, err = conf.EncodePassword(plain)
	return plain, encoded, err
}

// ok reports whether r carries the right credentials.
func (a *authenticator) ok(r *http.Request) bool {
	user, pass, found := r.BasicAuth()
	if !found {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(a.user)) == 1
	digest := sha256.Sum256([]byte(user + "\x00" + pass))
	if a.remembered(digest) {
		return userOK
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	passOK, _ := conf.CheckPassword(a.encoded, pass)
	if !userOK || !passOK {
		return false
	}
	a.mu.Lock()
	if len(a.good) < 16 {
		a.good = append(a.good, digest)
	}
	a.mu.Unlock()
	return true
}

func (a *authenticator) remembered(d [sha256.Size]byte) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	hit := 0
	for i := range a.good {
		hit |= subtle.ConstantTimeCompare(a.good[i][:], d[:])
	}
	return hit == 1
}
