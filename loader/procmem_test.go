package loader

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

var procMemTarget = [4]uint64{0x1122334455667788, 0, 0, 0}

func TestProcMemSelf(t *testing.T) {
	m, err := OpenProcMem(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	addr := uint64(uintptr(unsafe.Pointer(&procMemTarget[0])))
	v, err := m.ReadU64(addr)
	if err != nil {
		t.Fatal(err)
	}
	if v != 0x1122334455667788 {
		t.Fatalf("ReadU64 = %#x", v)
	}
	if err := m.WriteU64(addr+8, 0xdeadbeef); err != nil {
		t.Fatal(err)
	}
	if procMemTarget[1] != 0xdeadbeef {
		t.Fatalf("WriteU64 did not land: %#x", procMemTarget[1])
	}
	s := []byte("hello\x00")
	p := uint64(uintptr(unsafe.Pointer(&s[0])))
	if got, err := m.ReadCString(p, 64); err != nil || got != "hello" {
		t.Errorf("ReadCString = %q, %v", got, err)
	}
	// An unmapped address: the error names the pid and the address.
	_, err = m.ReadU64(0x10)
	if err == nil {
		t.Fatal("read at 0x10 succeeded")
	}
	for _, want := range []string{strconv.Itoa(os.Getpid()), "0x10", "not mapped"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestProcMemNoProcess(t *testing.T) {
	_, err := OpenProcMem(1 << 30)
	if err == nil || !strings.Contains(err.Error(), "no process") || !strings.Contains(err.Error(), strconv.Itoa(1<<30)) {
		t.Errorf("OpenProcMem(no such pid) = %v", err)
	}
}

func TestProcMemErrHints(t *testing.T) {
	m := &ProcMem{pid: 42}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{syscall.EPERM, "run as root or grant CAP_SYS_PTRACE"},
		{syscall.EACCES, "run as root or grant CAP_SYS_PTRACE"},
		{syscall.EIO, "not mapped"},
		{syscall.ESRCH, "exited"},
	} {
		e := m.memErr("write", 8, 0x7f00, tc.err)
		msg := e.Error()
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "process 42") || !strings.Contains(msg, "0x7f00") || !strings.Contains(msg, tc.err.Error()) {
			t.Errorf("%v: %q", tc.err, msg)
		}
	}
	ro := &ProcMem{pid: 42, readOnly: true}
	if _, err := ro.WriteAt([]byte{1}, 0x1000); err == nil || !strings.Contains(err.Error(), "CAP_SYS_PTRACE") {
		t.Errorf("read-only WriteAt: %v", err)
	}
}

func TestParseProcStat(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    ProcStat
		wantErr bool
	}{
		{"4242 (python3) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100\n", ProcStat{PID: 4242, Comm: "python3", State: 'S', PPID: 1, StartTime: 987654}, false},
		{"7 (a) b (c)) R 3 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0\n", ProcStat{PID: 7, Comm: "a) b (c)", State: 'R', PPID: 3, StartTime: 12}, false},
		{"7 (x) R 3\n", ProcStat{}, true},
		{"garbage", ProcStat{}, true},
	} {
		got, err := ParseProcStat(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseProcStat(%q) = %+v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseProcStat(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestProcessInfo(t *testing.T) {
	cmd := exec.Command("/bin/sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer func() { syscall.Kill(pid, syscall.SIGKILL); cmd.Wait() }()
	var argv []string
	var err error
	for i := 0; i < 100; i++ { // until the exec has happened
		if argv, err = ProcessArgv(pid); err == nil && len(argv) == 2 && argv[0] == "/bin/sleep" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(argv) != 2 || argv[0] != "/bin/sleep" || argv[1] != "60" {
		t.Errorf("ProcessArgv = %q, %v", argv, err)
	}
	if ppid, err := ParentPID(pid); err != nil || ppid != os.Getpid() {
		t.Errorf("ParentPID = %d, %v; want %d", ppid, err, os.Getpid())
	}
	exe, err := ProcessExe(pid)
	if err != nil || !strings.HasSuffix(exe, "/sleep") {
		t.Errorf("ProcessExe = %q, %v", exe, err)
	}
	st1, err := ProcessStartTime(pid)
	if err != nil || st1 == 0 {
		t.Fatalf("ProcessStartTime = %d, %v", st1, err)
	}
	mine, _ := ProcessStartTime(os.Getpid())
	if st1 < mine {
		t.Errorf("child start time %d before ours %d", st1, mine)
	}
	if st2, _ := ProcessStartTime(pid); st2 != st1 {
		t.Errorf("start time changed: %d then %d", st1, st2)
	}
	if _, err := ProcessStartTime(1 << 30); err == nil || !strings.Contains(err.Error(), "no process") {
		t.Errorf("ProcessStartTime(no such pid) = %v", err)
	}
}
