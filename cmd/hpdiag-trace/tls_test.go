//go:build linux

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return cert, key
}

// TestTLSUnderEBPF: the uprobes on libssl give the plaintext of HTTPS, as
// a server's requests and as a client's outbound calls.
func TestTLSUnderEBPF(t *testing.T) {
	requireEBPF(t)
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	writeConf(t, dir, "[Probe]\nuri_replace_pattern = s#/secure/[0-9]+#/secure/<n>#\nhttp_client_show_url = false\n")
	port := freePort(t)
	r := runTracer(t, dir, "--mode", "ebpf", "-c", "probe.conf", "--report", "r.json", "--",
		"/usr/bin/python3", mustAbs(t, "testdata/requests/tlsapp.py"), cert, key, fmt.Sprint(port))
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	rep := readFullReport(t, filepath.Join(dir, "r.json"))
	var served bool
	for _, sr := range rep.ServerRequests {
		if sr.Name == "/secure/<n>" && sr.Count == 3 && sr.Errors == 0 {
			served = true
		}
	}
	if !served {
		t.Errorf("server_requests = %+v, want /secure/<n> 3 times", rep.ServerRequests)
	}
	want := fmt.Sprintf("https://127.0.0.1:%d", port)
	if len(rep.Outbound) != 1 || rep.Outbound[0].Target != want || rep.Outbound[0].Count != 3 {
		t.Errorf("outbound = %+v, want %s 3 times", rep.Outbound, want)
	}
}
