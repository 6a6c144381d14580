/* What engines E1 and E0 share in the kernel: the processes they watch
 * (procs, written by E1's loader and followed through forks) and the one
 * ring buffer a Session reads, so that every record arrives in order. The
 * loader gives E0 E1's maps (MapReplacements); the declarations must agree.
 * Include after linux/bpf.h, bpf_helpers.h and e1.h. */
#ifndef HPDIAG_SHARED_H
#define HPDIAG_SHARED_H

#include "e1.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

/* fill_hdr_at fills the head every record starts with; ts is its time. */
static __always_inline void fill_hdr_at(struct ev_hdr *h, __u8 type, __u8 flags, __u64 id, __u64 code,
					__u64 ts)
{
	h->type = type;
	h->flags = flags;
	h->pad = 0;
	h->tgid = id >> 32;
	h->tid = (__u32)id;
	h->method = 0;
	h->ts = ts;
	h->code = code;
}

#endif
