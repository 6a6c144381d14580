package loader

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// attachTraceUprobeSession is BPF_TRACE_UPROBE_SESSION (Linux 6.13), which
// cilium/ebpf v0.22 knows as a section name but cannot attach yet.
const attachTraceUprobeSession = ebpf.AttachType(57)

const bpfLinkCreate = 28 // BPF_LINK_CREATE

// linkCreateUprobeMulti is union bpf_attr for BPF_LINK_CREATE with the
// uprobe_multi member (include/uapi/linux/bpf.h).
type linkCreateUprobeMulti struct {
	progFD        uint32
	targetFD      uint32
	attachType    uint32
	flags         uint32
	path          uint64
	offsets       uint64
	refCtrOffsets uint64
	cookies       uint64
	cnt           uint32
	multiFlags    uint32
	pid           uint32
	_             uint32
}

// attachSession attaches a uprobe.session program at the file offset off
// of path, for pid (0: every process running the file).
func attachSession(prog *ebpf.Program, path string, off uint64, pid int) (link.Link, error) {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return nil, err
	}
	offsets := []uint64{off}
	attr := linkCreateUprobeMulti{
		progFD:     uint32(prog.FD()),
		attachType: uint32(attachTraceUprobeSession),
		path:       uint64(uintptr(unsafe.Pointer(p))),
		offsets:    uint64(uintptr(unsafe.Pointer(&offsets[0]))),
		cnt:        1,
		pid:        uint32(pid),
	}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, bpfLinkCreate, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	runtime.KeepAlive(p)
	runtime.KeepAlive(offsets)
	if errno != 0 {
		return nil, fmt.Errorf("eBPF engine: uprobe session on %s: %w", path, errno)
	}
	l, err := link.NewFromFD(int(fd))
	if err != nil {
		unix.Close(int(fd))
		return nil, err
	}
	return l, nil
}
