package loader

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestParseLDCacheSystem(t *testing.T) {
	needFile(t, LDCachePath)
	b, err := os.ReadFile(LDCachePath)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := ParseLDCache(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) == 0 {
		t.Fatal("no entries")
	}
	out, err := exec.Command("ldconfig", "-p").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ldconfig -p (CI=true): %v", err)
		}
		t.Skipf("ldconfig -p: %v", err)
	}
	fromTool := ParseLDConfigP(out)
	key := func(es []LDCacheEntry) []string {
		var k []string
		for _, e := range es {
			k = append(k, e.Name+" => "+e.Path)
		}
		sort.Strings(k)
		return k
	}
	if a, b := key(ents), key(fromTool); !reflect.DeepEqual(a, b) {
		t.Errorf("ld.so.cache has %d entries, ldconfig -p %d; first: %v / %v", len(a), len(b), a[:min(3, len(a))], b[:min(3, len(b))])
	}
	x8664 := false
	for _, e := range ents {
		if e.Name == "libc.so.6" && e.Flags == 0x0303 && strings.Contains(e.Path, "x86_64") {
			x8664 = true
		}
	}
	if !x8664 {
		t.Errorf("no x86-64 libc.so.6 entry (flags 0x303) in %s", LDCachePath)
	}
}

func TestParseLDCacheBad(t *testing.T) {
	for _, b := range []string{"", "hello", "glibc-ld.so.cache1.1", "ld.so-1.7.0\x00\x01\x00\x00\x00"} {
		if _, err := ParseLDCache([]byte(b)); err == nil {
			t.Errorf("ParseLDCache(%q): want an error", b)
		}
	}
}

func TestParseLDConfigP(t *testing.T) {
	out := "553 libs found in cache `/etc/ld.so.cache'\n" +
		"\tlibpython3.11.so.1.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpython3.11.so.1.0\n" +
		"\tlibfoo.so.1 (libc6) => /lib32/libfoo.so.1\n"
	got := ParseLDConfigP([]byte(out))
	want := []LDCacheEntry{
		{Name: "libpython3.11.so.1.0", Path: "/lib/x86_64-linux-gnu/libpython3.11.so.1.0", Flags: 0x0303},
		{Name: "libfoo.so.1", Path: "/lib32/libfoo.so.1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}

func TestExpandDST(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"$ORIGIN/../lib", []string{"/opt/py/bin/../lib"}},
		{"${ORIGIN}/lib", []string{"/opt/py/bin/lib"}},
		{"/usr/$LIB", []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"}},
		{"/plain", []string{"/plain"}},
	} {
		if got := expandDST(tc.in, "/opt/py/bin"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("expandDST(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestLibSearchOrder(t *testing.T) {
	needFile(t, "/usr/bin/python3.11")
	ref, err := elf.Open("/usr/bin/python3.11")
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	libc := "/lib/x86_64-linux-gnu/libc.so.6"
	needFile(t, libc)
	dirA, dirB, dirC := t.TempDir(), t.TempDir(), t.TempDir()
	link := func(dir string) string {
		p := filepath.Join(dir, "libc.so.6")
		if err := os.Symlink(libc, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inA, inB, inC := link(dirA), link(dirB), link(dirC)
	exe := filepath.Join(dirC, "bin", "python")
	cache := func() ([]LDCacheEntry, error) {
		return []LDCacheEntry{{Name: "libc.so.6", Path: libc, Flags: 0x0303}}, nil
	}
	for _, tc := range []struct {
		name string
		s    libSearch
		want string
	}{
		{"RPATH first", libSearch{exe: exe, rpath: []string{dirA}, ldLibraryPath: dirB, cache: cache, ref: ref}, inA},
		{"RPATH ignored with RUNPATH", libSearch{exe: exe, rpath: []string{dirA}, runpath: []string{dirC}, ldLibraryPath: dirB, cache: cache, ref: ref}, inB},
		{"LD_LIBRARY_PATH before RUNPATH", libSearch{exe: exe, runpath: []string{dirA}, ldLibraryPath: "/nonexistent::" + dirB, cache: cache, ref: ref}, inB},
		{"RUNPATH with $ORIGIN", libSearch{exe: exe, runpath: []string{"$ORIGIN/.."}, cache: cache, ref: ref}, inC},
		{"ld.so.cache", libSearch{exe: exe, runpath: []string{"/nonexistent"}, cache: cache, ref: ref}, libc},
		{"default dirs", libSearch{exe: exe, ref: ref}, "/lib/libc.so.6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, open, tried := tc.s.resolve("libc.so.6")
			if open != got {
				t.Errorf("open path %q differs from %q for the tracer's own root", open, got)
			}
			if tc.name == "default dirs" {
				// /lib is a symlink to usr/lib on merged-/usr systems.
				if got == "" || !strings.HasSuffix(got, "libc.so.6") {
					t.Errorf("got %q (tried %v)", got, tried)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got %q, want %q (tried %v)", got, tc.want, tried)
			}
		})
	}
	s := libSearch{exe: exe, ref: ref}
	if got, _, tried := s.resolve("libnothere.so.9"); got != "" || len(tried) < len(DefaultLibDirs) {
		t.Errorf("resolve(missing) = %q, tried %v", got, tried)
	}
}

func TestLDCacheResolvesDebianLibpython(t *testing.T) {
	const lib = "/lib/x86_64-linux-gnu/libpython3.11.so.1.0"
	needFile(t, lib)
	needFile(t, "/usr/bin/python3.11")
	ref, err := elf.Open("/usr/bin/python3.11")
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	s := libSearch{exe: "/usr/bin/python3.11", cache: loadLDCache, ref: ref}
	got, _, tried := s.resolve("libpython3.11.so.1.0")
	if got != lib && got != "/usr"+lib {
		t.Errorf("resolve(libpython3.11.so.1.0) = %q (tried %v)", got, tried)
	}
}
