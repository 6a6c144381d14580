package loader

import (
	"os"
	"strings"
	"testing"
)

const sampleMaps = `00400000-0041f000 r--p 00000000 fd:01 1234                       /usr/bin/python3.11
0041f000-006d2000 r-xp 0001f000 fd:01 1234                       /usr/bin/python3.11
55d0c0a00000-55d0c0a01000 r--p 00000000 08:02 99                 /opt/my app/bin/python3 (deleted)
7f1c2d600000-7f1c2d706000 r--p 00000000 00:2a 5555               /root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0
7f1c2d706000-7f1c2d979000 r-xp 00106000 00:2a 5555               /root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0
7ffc1a2b3000-7ffc1a2d4000 rw-p 00000000 00:00 0                  [stack]
7f1c2d000000-7f1c2d021000 rw-p 00000000 00:00 0 
`

func TestParseMaps(t *testing.T) {
	ms, err := ParseMaps([]byte(sampleMaps))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 7 {
		t.Fatalf("%d mappings", len(ms))
	}
	m := ms[1]
	if m.Start != 0x41f000 || m.End != 0x6d2000 || m.Perms != "r-xp" || m.Offset != 0x1f000 || m.DevMajor != 0xfd || m.DevMinor != 1 || m.Inode != 1234 || m.Path != "/usr/bin/python3.11" || m.Deleted {
		t.Errorf("mapping 1: %+v", m)
	}
	if d := ms[2]; d.Path != "/opt/my app/bin/python3" || !d.Deleted || d.DevMajor != 8 {
		t.Errorf("deleted mapping with a blank in its path: %+v", d)
	}
	if ms[5].IsFile() || ms[6].IsFile() || !ms[3].IsFile() {
		t.Errorf("IsFile wrong: %v %v %v", ms[5].IsFile(), ms[6].IsFile(), ms[3].IsFile())
	}
	if ms[6].Path != "" {
		t.Errorf("anonymous mapping path %q", ms[6].Path)
	}
	for _, bad := range []string{"zzzz-1000 r--p 0 00:00 0", "1000 r--p 0 00:00 0", "1000-2000 r--p 0 0000 0", "1000-2000 r--p"} {
		if _, err := ParseMaps([]byte(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ParseMaps(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}

func TestReadMapsSelf(t *testing.T) {
	ms, err := ReadMaps(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	found := false
	for _, m := range ms {
		if m.Path == exe {
			found = true
		}
	}
	if !found {
		t.Errorf("own executable %s not in own maps", exe)
	}
	if _, err := ReadMaps(1 << 30); err == nil || !strings.Contains(err.Error(), "no process") {
		t.Errorf("ReadMaps(no such pid) = %v", err)
	}
}

func TestLoadBias(t *testing.T) {
	// Segments as in the real files.
	debianExec := []Segment{{Vaddr: 0x400000, Offset: 0, Filesz: 0x1e3e8}, {Vaddr: 0x41f000, Offset: 0x1f000, Filesz: 0x2b2289}, {Vaddr: 0x945dc8, Offset: 0x544dc8, Filesz: 0x13e4b0}}
	lib := []Segment{{Vaddr: 0, Offset: 0, Filesz: 0x105130}, {Vaddr: 0x106000, Offset: 0x106000, Filesz: 0x272ec9}, {Vaddr: 0x4cd6d0, Offset: 0x4cc6d0, Filesz: 0x1e6118}}
	pie := []Segment{{Vaddr: 0, Offset: 0, Filesz: 0x1000}, {Vaddr: 0x1000, Offset: 0x1000, Filesz: 0x2000}}
	prelinked := []Segment{{Vaddr: 0x3000000, Offset: 0, Filesz: 0x1000}, {Vaddr: 0x3001000, Offset: 0x1000, Filesz: 0x2000}}
	for _, tc := range []struct {
		name    string
		maps    []Mapping
		segs    []Segment
		want    uint64
		wantErr bool
	}{
		{"non-PIE executable (Debian python3.11): bias 0", []Mapping{{Start: 0x400000, Offset: 0}, {Start: 0x41f000, Offset: 0x1f000}}, debianExec, 0, false},
		{"libpython", []Mapping{{Start: 0x7f1c2d600000, Offset: 0}, {Start: 0x7f1c2d706000, Offset: 0x106000}}, lib, 0x7f1c2d600000, false},
		{"PIE executable", []Mapping{{Start: 0x55d0c0a00000, Offset: 0}}, pie, 0x55d0c0a00000, false},
		{"prelinked library moved", []Mapping{{Start: 0x7f0000000000, Offset: 0}}, prelinked, 0x7f0000000000 - 0x3000000, false},
		{"only a later mapping", []Mapping{{Start: 0x7f1c2d706000, Offset: 0x106000}}, lib, 0x7f1c2d600000, false},
		{"mapping matches no segment", []Mapping{{Start: 0x7f1c2d706000, Offset: 0x999000}}, lib, 0, true},
		{"not mapped", nil, lib, 0, true},
		{"no segments", []Mapping{{Start: 0x1000}}, nil, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadBias("/x/libpython3.12.so", tc.maps, tc.segs)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "/x/libpython3.12.so") {
					t.Fatalf("got %#x, %v; want an error naming the file", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("bias %#x, want %#x", got, tc.want)
			}
		})
	}
}

func TestFileOffset(t *testing.T) {
	segs := []Segment{{Vaddr: 0x400000, Offset: 0, Filesz: 0x1000, Memsz: 0x1000}, {Vaddr: 0x945dc8, Offset: 0x544dc8, Filesz: 0x100, Memsz: 0x1000}}
	for _, tc := range []struct {
		vaddr, want uint64
		err         string
	}{
		{0x400010, 0x10, ""},
		{0x945dd0, 0x544dd0, ""},
		{0x945f00, 0, "zero-filled"},
		{0x10, 0, "no PT_LOAD"},
	} {
		got, err := fileOffset("f", segs, tc.vaddr)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("fileOffset(%#x) = %#x, %v; want %q", tc.vaddr, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("fileOffset(%#x) = %#x, %v; want %#x", tc.vaddr, got, err, tc.want)
		}
	}
}
