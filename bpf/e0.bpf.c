//go:build ignore

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Engine E0: the request layer seen from outside the interpreter.
 *
 * Raw tracepoints on sys_enter and sys_exit watch the TCP sockets of the
 * traced processes (procs, shared with E1): accept and connect give a
 * connection and its 4-tuple, read and write calls the first E0_CAP bytes
 * of each buffer, close its end. Uprobes on libssl give the plaintext of
 * TLS connections, on libsqlite3 and libpq the SQL text and its latency.
 * Nothing is parsed here: user space (loader/e0*.go) does it. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "e0.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Only the fields read here: CO-RE relocates them against the kernel's BTF. */
struct file {
	void *private_data;
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct task_struct {
	struct files_struct *files;
} __attribute__((preserve_access_index));

struct sock_common {
	union {
		struct {
			__be32 skc_daddr;
			__be32 skc_rcv_saddr;
		};
	};
	union {
		struct {
			__be16 skc_dport;
			__u16 skc_num;
		};
	};
	unsigned short skc_family;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	__u16 sk_type;
	__u16 sk_protocol;
} __attribute__((preserve_access_index));

struct socket {
	struct sock *sk;
} __attribute__((preserve_access_index));

/* x86_64 system call numbers. */
#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_readv 19
#define NR_writev 20
#define NR_connect 42
#define NR_accept 43
#define NR_sendto 44
#define NR_recvfrom 45
#define NR_sendmsg 46
#define NR_recvmsg 47
#define NR_shutdown 48
#define NR_accept4 288

#define EINPROGRESS 115
#define SOCK_STREAM 1

#include "shared.h"

/* The TCP sockets of traced processes, by tgid << 32 | fd. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} socks SEC(".maps");

/* A system call or library call in flight, by thread. */
struct inflight {
	__u64 nr;
	__u64 fd;
	__u64 buf;
	__u64 aux;
	__u64 start;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct inflight);
} calls SEC(".maps");

/* Library calls nest (sqlite3_prepare_v2 runs sqlite3_exec, which
 * prepares and steps): they are told apart by the stack pointer. */
struct lkey {
	__u64 pid_tgid;
	__u64 sp; /* at entry; at return it is 8 bytes higher */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lkey);
	__type(value, struct inflight);
} libcalls SEC(".maps");

/* Open sqlite3_prepare* and sqlite3_exec calls per thread: statements
 * SQLite prepares and steps itself inside one (loading or changing the
 * schema) are not reported. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} prepare_depth SEC(".maps");

static __always_inline __u32 *depth_of(int create)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u32 *d = bpf_map_lookup_elem(&prepare_depth, &tid);
	if (!d && create) {
		__u32 zero = 0;
		bpf_map_update_elem(&prepare_depth, &tid, &zero, BPF_NOEXIST);
		d = bpf_map_lookup_elem(&prepare_depth, &tid);
	}
	return d;
}

/* Records are built here, then copied to the ring buffer at their size. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_net);
} net_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_sql);
} sql_scratch SEC(".maps");

/* Records that found the ring buffer full, per record type. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, E0_EV_TYPES);
	__type(key, __u32);
	__type(value, __u64);
} e0_lost SEC(".maps");

#include "threads.h"

const struct ev_net *unused_ev_net __attribute__((unused));
const struct ev_sql *unused_ev_sql __attribute__((unused));

static __always_inline int traced(__u32 tgid)
{
	return bpf_map_lookup_elem(&procs, &tgid) != 0;
}

/* Past this much unread data the reader is woken; below it, it reads
 * E0's records at its next wake-up (E1's, or its flush interval): a few
 * records per request need not cost a context switch each. */
#define WAKEUP_BYTES (256 << 10)

static __always_inline void output(void *rec, __u64 size, __u32 type)
{
	/* The thread's calls batched by E1 come first (bpf/threads.h). */
	__u32 batched = flush_current();
	if (batched) {
		__u32 t = EV_BATCH;
		__u64 *n = bpf_map_lookup_elem(&e0_lost, &t);
		if (n)
			*n += batched;
	}
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= WAKEUP_BYTES)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, rec, size, flags)) {
		__u64 *n = bpf_map_lookup_elem(&e0_lost, &type);
		if (n)
			*n += 1;
	}
}

static __always_inline void fill_hdr(struct ev_hdr *h, __u8 type, __u8 flags, __u64 id, __u64 code)
{
	fill_hdr_at(h, type, flags, id, code, bpf_ktime_get_ns());
}

static __always_inline struct sock *fd_sock(__u64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = 0;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return 0;
	struct socket *so = BPF_CORE_READ(f, private_data);
	if (!so)
		return 0;
	return BPF_CORE_READ(so, sk);
}

static __always_inline __u64 sock_key(__u64 id, __u64 fd)
{
	return (id & 0xffffffff00000000ULL) | (fd & 0xffffffff);
}

/* new_conn records an accepted or connected TCP socket. */
static __always_inline void new_conn(__u64 id, __u8 type, struct inflight *c, __u64 fd)
{
	struct sock *sk = fd_sock(fd);
	if (!sk)
		return;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != NET_V4 && family != NET_V6)
		return;
	if (BPF_CORE_READ(sk, sk_type) != SOCK_STREAM)
		return;
	__u32 zero = 0;
	struct ev_net *e = bpf_map_lookup_elem(&net_scratch, &zero);
	if (!e)
		return;
	fill_hdr(&e->h, type, 0, id, fd);
	e->start = c->start;
	e->ret = 0;
	e->fd = fd;
	e->len = 0;
	e->family = family;
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->pad = 0;
	__builtin_memset(e->laddr, 0, sizeof(e->laddr));
	__builtin_memset(e->raddr, 0, sizeof(e->raddr));
	if (family == NET_V4) {
		__be32 l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__be32 r = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(e->laddr, &l, 4);
		__builtin_memcpy(e->raddr, &r, 4);
	} else {
		BPF_CORE_READ_INTO(&e->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&e->raddr, sk, __sk_common.skc_v6_daddr);
	}
	__u64 key = sock_key(id, fd);
	__u8 one = 1;
	bpf_map_update_elem(&socks, &key, &one, BPF_ANY);
	output(e, __builtin_offsetof(struct ev_net, data), type);
}

/* emit_data copies the first bytes of buf (of which n were transferred). */
static __always_inline void emit_data(__u64 id, __u8 type, __u8 flags, __u64 conn, __u64 fd,
				      __u64 start, __u64 buf, __s64 n, __u64 avail)
{
	__u32 zero = 0;
	struct ev_net *e = bpf_map_lookup_elem(&net_scratch, &zero);
	if (!e)
		return;
	__u64 len = n;
	if (len > avail)
		len = avail;
	if (len < (__u64)n)
		flags |= NF_TRUNC;
	if (len > E0_CAP) {
		len = E0_CAP;
		flags |= NF_TRUNC;
	}
	fill_hdr(&e->h, type, flags, id, conn);
	e->start = start;
	e->ret = n;
	e->fd = fd;
	e->family = 0;
	/* A mask the verifier can follow: at most E0_CAP - 1 bytes. */
	if (len >= E0_CAP) {
		len = E0_CAP - 1;
		flags |= NF_TRUNC;
		e->h.flags = flags;
	}
	len &= E0_CAP - 1;
	if (bpf_probe_read_user(e->data, len, (void *)buf))
		return;
	e->len = len;
	output(e, __builtin_offsetof(struct ev_net, data) + (len & (E0_CAP - 1)), type);
}

struct iov {
	__u64 base;
	__u64 len;
};

/* first_iov returns the first buffer of an iovec array. */
static __always_inline struct iov first_iov(__u64 iovp)
{
	struct iov v = {};
	bpf_probe_read_user(&v, sizeof(v), (void *)iovp);
	return v;
}

static __always_inline int watched_nr(__u64 nr)
{
	switch (nr) {
	case NR_read: case NR_write: case NR_close: case NR_readv: case NR_writev:
	case NR_connect: case NR_accept: case NR_accept4: case NR_sendto:
	case NR_recvfrom: case NR_sendmsg: case NR_recvmsg: case NR_shutdown:
		return 1;
	}
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int e0_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 nr = ctx->args[1];
	if (!watched_nr(nr))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	if (!traced(id >> 32))
		return 0;
	struct pt_regs regs;
	if (bpf_probe_read_kernel(&regs, sizeof(regs), (void *)ctx->args[0]))
		return 0;
	__u64 fd = regs.rdi;
	if (nr != NR_accept && nr != NR_accept4 && nr != NR_connect) {
		__u64 key = sock_key(id, fd);
		if (!bpf_map_lookup_elem(&socks, &key))
			return 0;
		if (nr == NR_close || nr == NR_shutdown) {
			if (nr == NR_close)
				bpf_map_delete_elem(&socks, &key);
			struct inflight c = {.nr = nr, .fd = fd, .start = bpf_ktime_get_ns()};
			emit_data(id, EV_CLOSE, 0, fd, fd, c.start, 0, 0, 0);
			return 0;
		}
	}
	struct inflight c = {
		.nr = nr,
		.fd = fd,
		.buf = regs.rsi,
		.aux = regs.rdx,
		.start = bpf_ktime_get_ns(),
	};
	__u32 tid = id;
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int e0_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	/* Most system calls are not watched (the uretprobe trampoline's, at
	 * every traced return, among them): they leave before the lookup. */
	__u64 nr = 0;
	bpf_probe_read_kernel(&nr, sizeof(nr), &((struct pt_regs *)ctx->args[0])->orig_rax);
	if (!watched_nr(nr))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = id;
	struct inflight *cp = bpf_map_lookup_elem(&calls, &tid);
	if (!cp)
		return 0;
	struct inflight c = *cp;
	bpf_map_delete_elem(&calls, &tid);
	__s64 ret = ctx->args[1];
	switch (c.nr) {
	case NR_accept:
	case NR_accept4:
		if (ret >= 0)
			new_conn(id, EV_ACCEPT, &c, ret);
		return 0;
	case NR_connect:
		if (ret == 0 || ret == -EINPROGRESS)
			new_conn(id, EV_CONNECT, &c, c.fd);
		return 0;
	}
	if (ret <= 0)
		return 0;
	__u8 type = EV_WRITE;
	switch (c.nr) {
	case NR_read:
	case NR_recvfrom:
	case NR_readv:
	case NR_recvmsg:
		type = EV_READ;
	}
	__u64 buf = c.buf, avail = c.aux;
	switch (c.nr) {
	case NR_readv:
	case NR_writev: {
		struct iov v = first_iov(c.buf);
		buf = v.base;
		avail = v.len;
		break;
	}
	case NR_recvmsg:
	case NR_sendmsg: {
		__u64 iovp = 0;
		/* struct msghdr: name, namelen, iov, iovlen, ... */
		bpf_probe_read_user(&iovp, sizeof(iovp), (void *)(c.buf + 16));
		struct iov v = first_iov(iovp);
		buf = v.base;
		avail = v.len;
		break;
	}
	}
	emit_data(id, type, 0, c.fd, c.fd, c.start, buf, ret, avail);
	return 0;
}

/* libssl: SSL_read(ssl, buf, num) and SSL_write(ssl, buf, num) return the
 * bytes transferred; the _ex forms return 1 and store it in *count. */
static __always_inline int lib_enter(struct pt_regs *ctx, __u64 nr, __u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (!traced(id >> 32))
		return 0;
	struct inflight c = {.nr = nr, .fd = a0, .buf = a1, .aux = a3, .start = bpf_ktime_get_ns()};
	if (nr == 0 || nr == 1)
		c.aux = a2; /* SSL_read, SSL_write: num */
	struct lkey k = {.pid_tgid = id, .sp = PT_REGS_SP(ctx)};
	bpf_map_update_elem(&libcalls, &k, &c, BPF_ANY);
	return 0;
}

static __always_inline int lib_take(struct pt_regs *ctx, struct inflight *out, __u64 nr)
{
	struct lkey k = {.pid_tgid = bpf_get_current_pid_tgid(), .sp = PT_REGS_SP(ctx) - 8};
	struct inflight *c = bpf_map_lookup_elem(&libcalls, &k);
	if (!c)
		return 0;
	*out = *c;
	bpf_map_delete_elem(&libcalls, &k);
	return out->nr == nr;
}

/* Library call numbers in struct inflight.nr. */
#define L_SSL_READ 0
#define L_SSL_WRITE 1
#define L_SSL_READ_EX 2
#define L_SSL_WRITE_EX 3
#define L_SQLITE_PREPARE 4
#define L_SQLITE_PREPARE_V3 5
#define L_SQLITE_STEP 6
#define L_PQ_EXEC 7
#define L_PQ_PREPARE 8
#define L_PQ_EXEC_PREPARED 9
#define L_SQLITE_RESET 10
#define L_SQLITE_EXEC 11

static __always_inline int ssl_ret(struct pt_regs *ctx, __u64 nr, __u8 type, __s64 ret)
{
	struct inflight c;
	if (!lib_take(ctx, &c, nr))
		return 0;
	__s64 n = ret;
	if (nr == L_SSL_READ_EX || nr == L_SSL_WRITE_EX) {
		if (ret != 1)
			return 0;
		__u64 cnt = 0;
		if (bpf_probe_read_user(&cnt, sizeof(cnt), (void *)c.aux))
			return 0;
		n = cnt;
	}
	if (n <= 0)
		return 0;
	emit_data(bpf_get_current_pid_tgid(), type, NF_TLS, c.fd, 0, c.start, c.buf, n, n);
	return 0;
}

static __always_inline int BPF_KPROBE(ssl_read, __u64 ssl, __u64 buf, __u64 num) { return lib_enter(ctx, L_SSL_READ, ssl, buf, num, 0); }
static __always_inline int BPF_KRETPROBE(ssl_read_ret, long ret) { return ssl_ret(ctx, L_SSL_READ, EV_READ, ret); }
static __always_inline int BPF_KPROBE(ssl_write, __u64 ssl, __u64 buf, __u64 num) { return lib_enter(ctx, L_SSL_WRITE, ssl, buf, num, 0); }
static __always_inline int BPF_KRETPROBE(ssl_write_ret, long ret) { return ssl_ret(ctx, L_SSL_WRITE, EV_WRITE, ret); }
static __always_inline int BPF_KPROBE(ssl_read_ex, __u64 ssl, __u64 buf, __u64 num, __u64 cnt) { return lib_enter(ctx, L_SSL_READ_EX, ssl, buf, num, cnt); }
static __always_inline int BPF_KRETPROBE(ssl_read_ex_ret, long ret) { return ssl_ret(ctx, L_SSL_READ_EX, EV_READ, ret); }
static __always_inline int BPF_KPROBE(ssl_write_ex, __u64 ssl, __u64 buf, __u64 num, __u64 cnt) { return lib_enter(ctx, L_SSL_WRITE_EX, ssl, buf, num, cnt); }
static __always_inline int BPF_KRETPROBE(ssl_write_ex_ret, long ret) { return ssl_ret(ctx, L_SSL_WRITE_EX, EV_WRITE, ret); }

/* sql_rec fills a statement record from the scratch buffer. */
static __always_inline struct ev_sql *sql_rec(__u8 type, __u64 code, __u64 start)
{
	__u32 zero = 0;
	struct ev_sql *e = bpf_map_lookup_elem(&sql_scratch, &zero);
	if (!e)
		return 0;
	fill_hdr(&e->h, type, 0, bpf_get_current_pid_tgid(), code);
	e->start = start;
	e->ret = 0;
	e->len = 0;
	e->name_len = 0;
	return e;
}

static __always_inline void sql_text(struct ev_sql *e, __u64 ptr)
{
	long n = bpf_probe_read_user_str(e->data, E0_CAP - 1, (void *)ptr);
	if (n > 0)
		e->len = n - 1;
}

static __always_inline void sql_name(struct ev_sql *e, __u64 ptr)
{
	long n = bpf_probe_read_user_str(e->name, sizeof(e->name), (void *)ptr);
	if (n > 0)
		e->name_len = n - 1;
}

static __always_inline void sql_out(struct ev_sql *e)
{
	__u64 len = e->len & (E0_CAP - 1);
	output(e, __builtin_offsetof(struct ev_sql, data) + len, e->h.type);
}

/* sqlite3_prepare, _v2 (db, zSql, nByte, ppStmt, pzTail) and _v3 (db,
 * zSql, nByte, prepFlags, ppStmt, pzTail): the statement is *ppStmt. */
static __always_inline int prepare_enter(struct pt_regs *ctx, __u64 nr, __u64 db, __u64 sql, __u64 pp)
{
	if (!traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	__u32 *d = depth_of(1);
	if (d)
		*d += 1;
	return lib_enter(ctx, nr, db, sql, 0, pp);
}

static __always_inline int BPF_KPROBE(sqlite_prepare, __u64 db, __u64 sql, __u64 n, __u64 pp) { return prepare_enter(ctx, L_SQLITE_PREPARE, db, sql, pp); }
static __always_inline int BPF_KPROBE(sqlite_prepare_v3, __u64 db, __u64 sql, __u64 n, __u64 flags, __u64 pp) { return prepare_enter(ctx, L_SQLITE_PREPARE_V3, db, sql, pp); }

static __always_inline int prepare_ret(struct pt_regs *ctx, __u64 nr, long ret)
{
	struct inflight c;
	if (!lib_take(ctx, &c, nr))
		return 0;
	__u32 *d = depth_of(0);
	if (d && *d > 0)
		*d -= 1;
	if (ret != 0 || (d && *d > 0))
		return 0; /* failed, or prepared by SQLite inside another prepare or exec */
	__u64 stmt = 0;
	if (bpf_probe_read_user(&stmt, sizeof(stmt), (void *)c.aux) || !stmt)
		return 0;
	struct ev_sql *e = sql_rec(EV_SQLITE_PREPARE, stmt, c.start);
	if (!e)
		return 0;
	sql_text(e, c.buf);
	sql_out(e);
	return 0;
}

static __always_inline int BPF_KRETPROBE(sqlite_prepare_ret, long ret) { return prepare_ret(ctx, L_SQLITE_PREPARE, ret); }
static __always_inline int BPF_KRETPROBE(sqlite_prepare_v3_ret, long ret) { return prepare_ret(ctx, L_SQLITE_PREPARE_V3, ret); }

/* sqlite3_step is probed at entry only (a row costs one trap, not two):
 * the first step after a reset starts an execution, sqlite3_reset or
 * sqlite3_finalize ends it. Steps inside sqlite3_exec are SQLite's own. */
static __always_inline int BPF_KPROBE(sqlite_step, __u64 stmt)
{
	if (!traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	__u32 *d = depth_of(0);
	if (d && *d > 0)
		return 0;
	struct ev_sql *e = sql_rec(EV_SQLITE_STEP, stmt, 0);
	if (e)
		sql_out(e);
	return 0;
}

/* sqlite3_exec is how SQLite runs its own statements (loading or changing
 * the schema): what it prepares and steps is not reported. */
static __always_inline int BPF_KPROBE(sqlite_exec)
{
	if (!traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	__u32 *d = depth_of(1);
	if (d)
		*d += 1;
	return 0;
}

static __always_inline int BPF_KRETPROBE(sqlite_exec_ret)
{
	__u32 *d = depth_of(0);
	if (d && *d > 0)
		*d -= 1;
	return 0;
}

/* sqlite3_reset and sqlite3_finalize end a statement's execution. */
static __always_inline int BPF_KPROBE(sqlite_reset, __u64 stmt)
{
	if (!traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	struct ev_sql *e = sql_rec(EV_SQLITE_RESET, stmt, 0);
	if (e)
		sql_out(e);
	return 0;
}

/* libpq: PQexec(conn, query), PQexecParams(conn, command, ...),
 * PQprepare(conn, name, query, ...), PQexecPrepared(conn, name, ...). */
static __always_inline int BPF_KPROBE(pq_exec, __u64 conn, __u64 query) { return lib_enter(ctx, L_PQ_EXEC, conn, query, 0, 0); }
static __always_inline int BPF_KPROBE(pq_prepare, __u64 conn, __u64 name, __u64 query) { return lib_enter(ctx, L_PQ_PREPARE, conn, query, name, 0); }
static __always_inline int BPF_KPROBE(pq_exec_prepared, __u64 conn, __u64 name) { return lib_enter(ctx, L_PQ_EXEC_PREPARED, conn, 0, name, 0); }

static __always_inline int pq_ret(struct pt_regs *ctx, __u64 nr, __u8 type)
{
	struct inflight c;
	if (!lib_take(ctx, &c, nr))
		return 0;
	struct ev_sql *e = sql_rec(type, c.fd, c.start);
	if (!e)
		return 0;
	if (c.buf)
		sql_text(e, c.buf);
	if (c.aux)
		sql_name(e, c.aux);
	sql_out(e);
	return 0;
}

static __always_inline int BPF_KRETPROBE(pq_exec_ret) { return pq_ret(ctx, L_PQ_EXEC, EV_PQ_EXEC); }
static __always_inline int BPF_KRETPROBE(pq_prepare_ret) { return pq_ret(ctx, L_PQ_PREPARE, EV_PQ_PREPARE); }
static __always_inline int BPF_KRETPROBE(pq_exec_prepared_ret) { return pq_ret(ctx, L_PQ_EXEC_PREPARED, EV_PQ_EXEC_PREPARED); }

/* One uprobe_multi link per library for the entries and one for the
 * returns: their cookie (an L_ number) says which function was hit. One
 * link is detached with one wait for the kernel's grace period, where a
 * link per function would wait once each. */
SEC("uprobe.multi")
int lib_entry(struct pt_regs *ctx)
{
	switch (bpf_get_attach_cookie(ctx)) {
	case L_SSL_READ: return ssl_read(ctx);
	case L_SSL_WRITE: return ssl_write(ctx);
	case L_SSL_READ_EX: return ssl_read_ex(ctx);
	case L_SSL_WRITE_EX: return ssl_write_ex(ctx);
	case L_SQLITE_PREPARE: return sqlite_prepare(ctx);
	case L_SQLITE_PREPARE_V3: return sqlite_prepare_v3(ctx);
	case L_SQLITE_STEP: return sqlite_step(ctx);
	case L_SQLITE_RESET: return sqlite_reset(ctx);
	case L_SQLITE_EXEC: return sqlite_exec(ctx);
	case L_PQ_EXEC: return pq_exec(ctx);
	case L_PQ_PREPARE: return pq_prepare(ctx);
	case L_PQ_EXEC_PREPARED: return pq_exec_prepared(ctx);
	}
	return 0;
}

SEC("uretprobe.multi")
int lib_return(struct pt_regs *ctx)
{
	switch (bpf_get_attach_cookie(ctx)) {
	case L_SSL_READ: return ssl_read_ret(ctx);
	case L_SSL_WRITE: return ssl_write_ret(ctx);
	case L_SSL_READ_EX: return ssl_read_ex_ret(ctx);
	case L_SSL_WRITE_EX: return ssl_write_ex_ret(ctx);
	case L_SQLITE_PREPARE: return sqlite_prepare_ret(ctx);
	case L_SQLITE_PREPARE_V3: return sqlite_prepare_v3_ret(ctx);
	case L_SQLITE_EXEC: return sqlite_exec_ret(ctx);
	case L_PQ_EXEC: return pq_exec_ret(ctx);
	case L_PQ_PREPARE: return pq_prepare_ret(ctx);
	case L_PQ_EXEC_PREPARED: return pq_exec_prepared_ret(ctx);
	}
	return 0;
}
