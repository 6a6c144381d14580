package loader

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// ProcMem reads and writes another process's memory through /proc/PID/mem
// (pread/pwrite at the address). It needs ptrace access to the process:
// root, or CAP_SYS_PTRACE, or the same user with ptrace_scope permitting.
type ProcMem struct {
	pid      int
	f        *os.File
	readOnly bool
}

// OpenProcMem opens /proc/PID/mem for reading and writing; if writing is
// refused it opens it read-only, and WriteAt then fails with the reason.
func OpenProcMem(pid int) (*ProcMem, error) {
	name := fmt.Sprintf("/proc/%d/mem", pid)
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err == nil {
		return &ProcMem{pid: pid, f: f}, nil
	}
	f, err2 := os.OpenFile(name, os.O_RDONLY, 0)
	if err2 == nil {
		return &ProcMem{pid: pid, f: f, readOnly: true}, nil
	}
	return nil, fmt.Errorf("open %s: %w%s", name, err, pidHint(pid, err))
}

// PID returns the process whose memory this is.
func (m *ProcMem) PID() int { return m.pid }

// Close closes /proc/PID/mem.
func (m *ProcMem) Close() error { return m.f.Close() }

// ReadAt reads len(b) bytes at address addr of the process. A short read
// (the range runs into unmapped memory) is an error naming the address.
func (m *ProcMem) ReadAt(b []byte, addr int64) (int, error) {
	done := 0
	for done < len(b) {
		n, err := syscall.Pread(int(m.f.Fd()), b[done:], addr+int64(done))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return done, m.memErr("read", len(b), addr+int64(done), err)
		}
		if n == 0 {
			return done, m.memErr("read", len(b), addr+int64(done), io.ErrUnexpectedEOF)
		}
		done += n
	}
	return done, nil
}

// WriteAt writes b at address addr of the process.
func (m *ProcMem) WriteAt(b []byte, addr int64) (int, error) {
	if m.readOnly {
		return 0, fmt.Errorf("write %d bytes at %#x of process %d: /proc/%d/mem could only be opened read-only; run as root or grant CAP_SYS_PTRACE", len(b), addr, m.pid, m.pid)
	}
	done := 0
	for done < len(b) {
		n, err := syscall.Pwrite(int(m.f.Fd()), b[done:], addr+int64(done))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return done, m.memErr("write", len(b), addr+int64(done), err)
		}
		if n == 0 {
			return done, m.memErr("write", len(b), addr+int64(done), io.ErrShortWrite)
		}
		done += n
	}
	return done, nil
}

// ReadU64 reads a little-endian 64-bit word at addr.
func (m *ProcMem) ReadU64(addr uint64) (uint64, error) {
	var b [8]byte
	if _, err := m.ReadAt(b[:], int64(addr)); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// WriteU64 writes a little-endian 64-bit word at addr.
func (m *ProcMem) WriteU64(addr, v uint64) error {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	_, err := m.WriteAt(b[:], int64(addr))
	return err
}

// ReadCString reads a NUL-terminated string of at most max bytes at addr.
func (m *ProcMem) ReadCString(addr uint64, max int) (string, error) {
	out := make([]byte, 0, 64)
	chunk := make([]byte, 64)
	for len(out) < max {
		n := min(len(chunk), max-len(out))
		// Do not cross into the next page in one read: it may be unmapped.
		if rest := int(pageSize - (addr+uint64(len(out)))%pageSize); n > rest {
			n = rest
		}
		if _, err := m.ReadAt(chunk[:n], int64(addr)+int64(len(out))); err != nil {
			return string(out), err
		}
		for i := 0; i < n; i++ {
			if chunk[i] == 0 {
				return string(append(out, chunk[:i]...)), nil
			}
		}
		out = append(out, chunk[:n]...)
	}
	return string(out), fmt.Errorf("process %d: no NUL within %d bytes of %#x", m.pid, max, addr)
}

func (m *ProcMem) memErr(op string, n int, addr int64, err error) error {
	hint := ""
	switch {
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		hint = "; run as root or grant CAP_SYS_PTRACE"
	case errors.Is(err, syscall.EIO), errors.Is(err, syscall.EFAULT):
		hint = " (the address is not mapped in the process)"
	case errors.Is(err, syscall.ESRCH), errors.Is(err, io.ErrUnexpectedEOF):
		hint = " (has the process exited?)"
	}
	return fmt.Errorf("%s %d bytes at %#x of process %d: %w%s", op, n, addr, m.pid, err, hint)
}

// pidHint turns an error about /proc/PID into advice.
func pidHint(pid int, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist), errors.Is(err, syscall.ESRCH):
		return fmt.Sprintf(" (no process %d: has it exited? check the pid)", pid)
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES), errors.Is(err, os.ErrPermission):
		return "; run as root or grant CAP_SYS_PTRACE"
	}
	return ""
}
