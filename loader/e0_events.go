package loader

import (
	"encoding/binary"
	"net/netip"
	"unsafe"

	"github.com/hpdiag/hpdiag-trace/bpf"
)

// Record types and flags of bpf/e0.h.
const (
	evAccept           = 20
	evConnect          = 21
	evRead             = 22
	evWrite            = 23
	evClose            = 24
	evSQLitePrepare    = 25
	evSQLiteStep       = 26
	evSQLiteReset      = 27
	evPQExec           = 28
	evPQPrepare        = 29
	evPQExecPrepared   = 30
	e0EvTypes          = 31
	netFlagTLS         = 1
	netFamilyV4        = 2
	netFamilyV6        = 10
	netDataOffset      = int(unsafe.Offsetof(bpf.E0EvNet{}.Data))
	sqlDataOffset      = int(unsafe.Offsetof(bpf.E0EvSql{}.Data))
	sqlNameOffset      = int(unsafe.Offsetof(bpf.E0EvSql{}.Name))
	netAddrOffset      = int(unsafe.Offsetof(bpf.E0EvNet{}.Laddr))
	netFieldsOffset    = int(unsafe.Offsetof(bpf.E0EvNet{}.Start))
	sqlFieldsOffset    = int(unsafe.Offsetof(bpf.E0EvSql{}.Start))
	maxE0RecordPayload = len(bpf.E0EvNet{}.Data)
)

// netRec is a decoded struct ev_net; data aliases the ring buffer record.
type netRec struct {
	start         uint64
	ret           int64
	fd            uint32
	family        uint16
	local, remote netip.AddrPort
	data          []byte
}

// decodeNet decodes an ev_net record (its data part has the captured length).
func decodeNet(b []byte) (netRec, bool) {
	if len(b) < netDataOffset {
		return netRec{}, false
	}
	le := binary.LittleEndian
	o := netFieldsOffset
	r := netRec{
		start:  le.Uint64(b[o:]),
		ret:    int64(le.Uint64(b[o+8:])),
		fd:     le.Uint32(b[o+16:]),
		family: le.Uint16(b[o+24:]),
	}
	n := int(le.Uint32(b[o+20:]))
	if n > len(b)-netDataOffset {
		n = len(b) - netDataOffset
	}
	r.data = b[netDataOffset : netDataOffset+n]
	lport, rport := le.Uint16(b[o+26:]), le.Uint16(b[o+28:])
	a := b[netAddrOffset:]
	switch r.family {
	case netFamilyV4:
		r.local = netip.AddrPortFrom(netip.AddrFrom4([4]byte(a[:4])), lport)
		r.remote = netip.AddrPortFrom(netip.AddrFrom4([4]byte(a[16:20])), rport)
	case netFamilyV6:
		r.local = netip.AddrPortFrom(netip.AddrFrom16([16]byte(a[:16])).Unmap(), lport)
		r.remote = netip.AddrPortFrom(netip.AddrFrom16([16]byte(a[16:32])).Unmap(), rport)
	}
	return r, true
}

// sqlRec is a decoded struct ev_sql.
type sqlRec struct {
	start uint64
	ret   int64
	name  string
	text  string
}

func decodeSQL(b []byte) (sqlRec, bool) {
	if len(b) < sqlDataOffset {
		return sqlRec{}, false
	}
	le := binary.LittleEndian
	o := sqlFieldsOffset
	r := sqlRec{start: le.Uint64(b[o:]), ret: int64(le.Uint64(b[o+8:]))}
	n := min(int(le.Uint32(b[o+16:])), len(b)-sqlDataOffset)
	nn := min(int(le.Uint32(b[o+20:])), sqlDataOffset-sqlNameOffset)
	r.text = string(b[sqlDataOffset : sqlDataOffset+n])
	r.name = string(b[sqlNameOffset : sqlNameOffset+nn])
	return r, true
}
