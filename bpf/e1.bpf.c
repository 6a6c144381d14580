//go:build ignore

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Engine E1: uprobe and uretprobe on _PyEval_EvalFrameDefault.
 *
 * Every entry of the evaluator in a traced process (procs) is looked up by
 * its code object in the verdict map. Code seen for the first time is
 * marked pending and described to user space (EV_CODE), which matches it
 * against the points and writes the verdict back; until then its calls are
 * reported as pending so that none is lost. A thread remembers its process's
 * layout and final verdicts, and batches its calls (bpf/threads.h); with the
 * pair of probes, it keeps its reported calls on a stack for the uretprobe.
 * code_freed forgets what is known of a freed code object. Raw tracepoints
 * keep procs in step with fork, exec and exit. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "e1.h"
#include "shared.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Only the fields read here: CO-RE relocates them against the kernel's BTF. */
struct uprobe_task {
	unsigned int depth;
} __attribute__((preserve_access_index));

struct signal_struct {
	struct {
		int counter;
	} live;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct uprobe_task *utask;
	struct signal_struct *signal;
} __attribute__((preserve_access_index));

#define SIGSTOP_NR 19
#define CO_NEWLOCALS_FLAG 0x2 /* the same in every version */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct vkey);
	__type(value, struct verdict);
} verdicts SEC(".maps");

/* The pair's reported calls that did not fit a thread's stack (a thread the
 * kernel had no task storage for). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct okey);
	__type(value, struct open_call);
} opens SEC(".maps");

/* Events that found the ring buffer full, per event type. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EV_TYPES);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

#include "threads.h"

/* The epoch of what threads remember (bpf/threads.h): user space moves
 * epoch_user whenever it changes procs, the programs move epoch_bpf at each
 * exec. A remembered layout or verdict holds only in the epoch it was
 * taken in. */
volatile __u32 epoch_user;
__u32 epoch_bpf;

/* A code object freed (code_freed) moves the epoch of its slot in the
 * threads' caches: a remembered verdict holds only while its slot's epoch
 * is the one it was taken in, so a thread never takes a new code object at
 * a freed one's address for the old. */
__u32 slot_epochs[CODE_CACHE];

static __always_inline __u32 epoch(void)
{
	return epoch_user + *(volatile __u32 *)&epoch_bpf;
}

static __always_inline __u32 code_epoch(__u32 ep, __u32 slot)
{
	return ep + *(volatile __u32 *)&slot_epochs[slot & (CODE_CACHE - 1)];
}

/* flush_iter at detach: a task iterator (linux/bpf.h has no such types). */
struct bpf_iter_meta {
	void *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* Force the verdict placeholders into the BTF so bpf2go emits Go types. */
const struct ev_call *unused_ev_call __attribute__((unused));
const struct ev_call_args *unused_ev_call_args __attribute__((unused));
const struct ev_code *unused_ev_code __attribute__((unused));
const struct ev_proc *unused_ev_proc __attribute__((unused));

/* The reader polls every 50 ms; waking it for every event would cost the
 * traced thread an interrupt-work wakeup per call. At the highest event
 * rate a thread can reach (two 32-byte events per ~1 µs call), 50 ms fill
 * 3 MiB of the 16 MiB buffer, so no event needs to wake it. */
static __always_inline void submit(void *e)
{
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

static __always_inline void count_lost_n(__u32 type, __u32 count)
{
	__u64 *n = bpf_map_lookup_elem(&lost, &type);
	if (n)
		*n += count;
}

static __always_inline void count_lost(__u32 type)
{
	count_lost_n(type, 1);
}

/* flush_thread flushes the current thread's batch before a record of its
 * own, so that the thread's records stay in order. */
static __always_inline void flush_thread(void)
{
	__u32 n = flush_current();
	if (n)
		count_lost_n(EV_BATCH, n);
}

static __always_inline __u64 read_ptr(__u64 addr)
{
	__u64 v = 0;
	if (bpf_probe_read_user(&v, sizeof(v), (void *)addr))
		return 0;
	return v;
}

/* read_names reads a code object's name and file pointers, in one read
 * when they are close (they are neighbours from 3.11 on). */
static __always_inline void read_names(__s32 name_off, __s32 file_off, __u64 code, __u64 *name, __u64 *file)
{
	__s32 lo = name_off < file_off ? name_off : file_off;
	__s32 dn = name_off - lo, df = file_off - lo;
	__u64 w[4] = {};
	if (dn <= 24 && df <= 24 && !(dn & 7) && !(df & 7) &&
	    !bpf_probe_read_user(w, sizeof(w), (void *)(code + lo))) {
		*name = w[(dn >> 3) & 3];
		*file = w[(df >> 3) & 3];
		return;
	}
	*name = read_ptr(code + name_off);
	*file = read_ptr(code + file_off);
}

/* creates_generator says whether this evaluation only creates a
 * generator, coroutine or async generator: on 3.11+ calling such a
 * function runs its frame up to RETURN_GENERATOR, on the thread, before
 * the frame moves into the generator object. Its activations are the
 * resumes, which run in a frame the generator owns. */
static __always_inline int creates_generator(const struct proc *p, __u64 code, __u64 frame)
{
	if (p->l.frame_owner < 0)
		return 0;
	__u32 co_flags = 0;
	if (bpf_probe_read_user(&co_flags, sizeof(co_flags), (void *)(code + p->l.code_flags)) ||
	    !(co_flags & p->l.gen_flags))
		return 0;
	__u8 owner = 0;
	if (bpf_probe_read_user(&owner, sizeof(owner), (void *)(frame + p->l.frame_owner)))
		return 0;
	return owner != p->l.owner_generator;
}

/* return_too_deep says whether the kernel will refuse to report this
 * call's return: the thread already has the most returns it follows. */
static __always_inline int return_too_deep(struct task_struct *task)
{
	if (!bpf_core_field_exists(task->utask))
		return 0;
	struct uprobe_task *ut = task->utask;
	if (!ut)
		return 0;
	return ut->depth >= MAX_RETURN_DEPTH;
}

static __always_inline void fill_hdr(struct ev_hdr *h, __u8 type, __u64 id, __u64 code)
{
	fill_hdr_at(h, type, 0, id, code, bpf_ktime_get_ns());
}

/* read_str copies the data of a compact str object into buf and returns the
 * number of bytes copied; *state receives the object's state word so user
 * space knows the character width. */
static __always_inline __u32 read_str(const struct layout *l, __u64 obj, __u8 *buf,
				      __u32 max, __u32 *state, __u8 *trunc)
{
	__u32 st = 0;
	__s64 len = 0;
	if (!obj || bpf_probe_read_user(&st, sizeof(st), (void *)(obj + l->str_state)) ||
	    bpf_probe_read_user(&len, sizeof(len), (void *)(obj + l->str_length)))
		return 0;
	*state = st;
	__u32 kind = (st >> l->str_kind_shift) & 7;
	if (!((st >> l->str_compact_bit) & 1) || len < 0)
		return 0;
	__u64 data = obj + (((st >> l->str_ascii_bit) & 1) ? l->str_ascii_data : l->str_compact_data);
	__u64 n = (__u64)len * kind;
	if (n > max) {
		n = max;
		*trunc = 1;
	}
	n &= 0xffff;
	if (n > max)
		return 0;
	if (bpf_probe_read_user(buf, n, (void *)data))
		return 0;
	return n;
}

static __always_inline int emit_code(const struct proc *p, __u64 id, __u64 code,
				     __u64 name_ptr, __u64 file_ptr)
{
	flush_thread();
	struct ev_code *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(EV_CODE);
		return -1;
	}
	fill_hdr(&e->h, EV_CODE, id, code);
	e->name_ptr = name_ptr;
	e->file_ptr = file_ptr;
	e->name_state = 0;
	e->file_state = 0;
	e->name_trunc = 0;
	e->file_trunc = 0;
	e->firstlineno = 0;
	e->co_flags = 0;
	e->argcount = 0;
	e->first_state = e->first_len = 0;
	e->first_trunc = 0;
	bpf_probe_read_user(&e->firstlineno, 4, (void *)(code + p->l.code_firstlineno));
	bpf_probe_read_user(&e->co_flags, 4, (void *)(code + p->l.code_flags));
	bpf_probe_read_user(&e->argcount, 4, (void *)(code + p->l.code_argcount));
	/* The first local's name tells a method's self or cls: read now, the
	 * process may be gone when user space resolves the code. */
	if (e->argcount > 0) {
		__u64 names = read_ptr(code + p->l.code_localnames);
		__u64 first = names ? read_ptr(names + p->l.tuple_item) : 0;
		e->first_len = read_str(&p->l, first, e->first, sizeof(e->first), &e->first_state, &e->first_trunc);
	}
	e->doc_state = e->doc_len = 0;
	e->doc_trunc = 0;
	if ((e->co_flags & CO_NEWLOCALS_FLAG) && (!p->l.doc_flag || (e->co_flags & p->l.doc_flag))) {
		__u64 consts = read_ptr(code + p->l.code_consts);
		__u64 doc = consts ? read_ptr(consts + p->l.tuple_item) : 0;
		if (doc && read_ptr(doc + p->l.ob_type) == p->sym.str_type + p->bias)
			e->doc_len = read_str(&p->l, doc, e->doc, DOC_MAX_BYTES, &e->doc_state, &e->doc_trunc);
	}
	e->name_len = read_str(&p->l, name_ptr, e->name, NAME_MAX_BYTES, &e->name_state, &e->name_trunc);
	e->file_len = read_str(&p->l, file_ptr, e->file, FILE_MAX_BYTES, &e->file_state, &e->file_trunc);
	/* Its calls are pending until the verdict comes back: wake the reader. */
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* capture_arg describes one argument: its value for str, int, float, bool
 * and None, else its type's name. */
static __always_inline void capture_arg(const struct proc *p, __u64 obj, struct arg_val *a)
{
	const struct layout *l = &p->l;
	__u64 bias = p->bias;
	a->kind = ARG_UNBOUND;
	a->truncated = 0;
	a->len = 0;
	a->aux = 0;
	if (l->flags & LAYOUT_TAGGED)
		obj &= ~7ULL;
	if (!obj)
		return;
	if (obj == p->sym.none + bias) {
		a->kind = ARG_NONE;
		return;
	}
	if (obj == p->sym.true_obj + bias) {
		a->kind = ARG_TRUE;
		return;
	}
	if (obj == p->sym.false_obj + bias) {
		a->kind = ARG_FALSE;
		return;
	}
	__u64 type = read_ptr(obj + l->ob_type);
	if (!type) {
		a->kind = ARG_UNREAD;
		return;
	}
	if (type == p->sym.str_type + bias) {
		a->kind = ARG_STR;
		a->len = read_str(l, obj, a->data, ARG_DATA, &a->aux, &a->truncated);
		return;
	}
	if (type == p->sym.long_type + bias) {
		a->kind = ARG_INT;
		/* the size (or tag) word, then the first digits */
		if (bpf_probe_read_user(a->data, 8, (void *)(obj + l->long_size)) ||
		    bpf_probe_read_user(a->data + 8, 16, (void *)(obj + l->long_digits)))
			a->kind = ARG_UNREAD;
		a->len = 24;
		return;
	}
	if (type == p->sym.float_type + bias) {
		a->kind = ARG_FLOAT;
		if (bpf_probe_read_user(a->data, 8, (void *)(obj + l->float_value)))
			a->kind = ARG_UNREAD;
		a->len = 8;
		return;
	}
	a->kind = ARG_OTHER;
	__u64 name = read_ptr(type + l->tp_name);
	long n = bpf_probe_read_user_str(a->data, ARG_DATA, (void *)name);
	if (n <= 0) {
		a->kind = ARG_UNREAD;
		return;
	}
	a->len = n - 1;
}

/* request_hook asks user space, once per process, to make the interpreter
 * call _PyEval_EvalFrameDefault for every Python call (3.11+ inline
 * Python-to-Python calls otherwise): it names the interpreter state of the
 * first evaluated frame. BPF cannot write user memory here, so the loader
 * writes the field; an existing hook of someone else's is left alone. */
static __always_inline void request_hook(struct pt_regs *ctx, struct proc *p, __u64 id)
{
	__u64 tstate = PT_REGS_PARM1(ctx);
	__u64 interp = read_ptr(tstate + p->l.tstate_interp);
	if (!interp)
		return;
	__u64 cur = read_ptr(interp + p->l.interp_eval_frame);
	__u8 flags = 0;
	if (cur == p->sym.eval_frame + p->bias) {
		p->state |= PROC_HOOKED;
		return;
	}
	if (cur != 0) {
		p->state |= PROC_FOREIGN;
		flags = F_FOREIGN;
	}
	flush_thread();
	struct ev_proc *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(EV_HOOK);
		return;
	}
	p->state |= PROC_HOOKED;
	/* In a gated launch the process waits, stopped, until the hook is in:
	 * calls from Python to Python made before would stay invisible. */
	if (!flags && (p->state & PROC_STOP_FOR_HOOK) && !bpf_send_signal(SIGSTOP_NR)) {
		p->state |= PROC_STOPPED;
		p->stops++;
		flags |= F_STOPPED;
	}
	fill_hdr(&e->h, EV_HOOK, id, 0);
	e->h.flags = flags;
	e->child = 0;
	e->pad = 0;
	e->value = (flags & F_FOREIGN) ? cur : interp;
	/* The main module must not start before the hook is in: wake the
	 * reader now rather than at its next batch. */
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
}

/* record_call reports one Enter or Exit. A matched call whose verdict was
 * known goes into the thread's batch, which is flushed when it is full,
 * when the thread's outermost reported call returns, or before a record
 * that would come too long after its first; anything else is a record of
 * its own, after the batch. A thread without state (the kernel had no
 * memory for it) writes every call alone. */
static __always_inline void record_call(struct thread_state *ts, __u8 type, __u64 id, __u64 code,
					__u32 method, __u8 flags)
{
	if (ts) {
		if (type == EV_EXIT)
			ts->depth -= ts->depth > 0;
		else
			ts->depth++;
	}
	if (!ts || (flags & F_PENDING) || method >= BC_METHOD_MAX) {
		__u32 lost_n = ts ? flush_batch(ts) : 0;
		if (lost_n)
			count_lost_n(EV_BATCH, lost_n);
		struct ev_call *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			count_lost(type);
			return;
		}
		fill_hdr(&e->h, type, id, code);
		e->h.method = method;
		e->h.flags = flags;
		submit(e);
		return;
	}
	__u64 now = bpf_ktime_get_ns();
	__u64 n = ts->n;
	if (n >= BATCH_CALLS || (n > 0 && now - ts->b.h.ts > BATCH_AGE_NS)) {
		__u32 lost_n = flush_batch(ts);
		if (lost_n)
			count_lost_n(EV_BATCH, lost_n);
		n = 0;
	}
	if (n == 0)
		fill_hdr_at(&ts->b.h, EV_BATCH, 0, id, 0, now);
	__u32 what = method << BC_METHOD_SHIFT;
	if (type == EV_EXIT)
		what |= BC_EXIT | ((flags & F_EXCEPTION) ? BC_EXCEPTION : 0);
	struct batched_call *c = &ts->b.calls[n];
	c->dt = now - ts->b.h.ts;
	c->what = what;
	ts->n = ++n;
	if (n >= BATCH_CALLS || (type == EV_EXIT && ts->depth == 0)) {
		__u32 lost_n = flush_batch(ts);
		if (lost_n)
			count_lost_n(EV_BATCH, lost_n);
	}
}

static __always_inline void emit_enter(struct pt_regs *ctx, const struct proc *p, struct thread_state *ts,
				       __u64 id, __u64 code, __u64 frame, const struct verdict *v, __u8 flags)
{
	/* A pending call captures its first locals: the verdict will say
	 * which of them, if any, the point wants. */
	__s16 first[MAX_ARGS] = {0, 1, 2, 3};
	const __s16 *slots = flags & F_PENDING ? first : v->slots;
	if (slots[0] < 0) {
		record_call(ts, EV_ENTER, id, code, v->method, flags);
		return;
	}
	flush_thread();
	struct ev_call_args *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(EV_ENTER_ARGS);
		return;
	}
	fill_hdr(&e->h, EV_ENTER_ARGS, id, code);
	e->h.method = v->method;
	e->h.flags = flags;
	__u64 locals = frame + p->l.frame_localsplus;
#pragma unroll
	for (int i = 0; i < MAX_ARGS; i++) {
		__s16 slot = slots[i];
		if (slot < 0 || slot > 1024) {
			e->args[i].kind = ARG_UNBOUND;
			e->args[i].len = 0;
			e->args[i].truncated = 0;
			e->args[i].aux = 0;
			continue;
		}
		capture_arg(p, read_ptr(locals + (__u64)slot * 8), &e->args[i]);
	}
	if (ts)
		ts->depth++;
	submit(e);
}

static __always_inline void emit_too_deep(__u64 id, __u64 code)
{
	flush_thread();
	struct ev_call *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(EV_TOO_DEEP);
		return;
	}
	fill_hdr(&e->h, EV_TOO_DEEP, id, code);
	e->h.flags = F_PENDING;
	submit(e);
}

static __always_inline __u64 frame_of(struct pt_regs *ctx, __u32 frame_arg)
{
	/* Both loads, then a choice: clang would otherwise fold them into one
	 * load at a computed context offset, which the verifier refuses. */
	__u64 arg0 = PT_REGS_PARM1(ctx);
	__u64 arg1 = PT_REGS_PARM2(ctx);
	barrier_var(arg0);
	barrier_var(arg1);
	return frame_arg ? arg1 : arg0;
}

static __always_inline __u64 code_of(__u64 frame, __s32 frame_code, __u32 layout_flags)
{
	__u64 code = read_ptr(frame + frame_code);
	if (layout_flags & LAYOUT_TAGGED)
		code &= ~7ULL;
	return code;
}

static __always_inline __u32 code_slot(__u64 code)
{
	return ((code >> 4) ^ (code >> 10)) & (CODE_CACHE - 1);
}

/* remember keeps what the slow path learnt, for the thread's next calls:
 * the process's layout once it is stable, and a final verdict that needs
 * nothing more at entry (no arguments, not a generator's code). */
static __always_inline void remember(struct thread_state *ts, const struct proc *p, __u32 tgid, __u32 ep,
				     __u64 code, const struct verdict *v)
{
	if (!ts)
		return;
	if ((p->l.flags & LAYOUT_HOOK) && !(p->state & (PROC_HOOKED | PROC_FOREIGN)))
		return;
	if (ts->tgid != tgid || ts->epoch != ep) {
		ts->fl.frame_arg = p->l.frame_arg;
		ts->fl.flags = p->l.flags;
		ts->fl.frame_code = p->l.frame_code;
		ts->fl.code_name = p->l.code_name;
		ts->fl.code_filename = p->l.code_filename;
		ts->tgid = tgid;
		ts->epoch = ep;
	}
	if (v->state == V_PENDING || (v->state == V_MATCH && (v->gen || v->slots[0] >= 0)))
		return;
	__u32 slot = code_slot(code);
	struct cached_code *c = &ts->codes[slot];
	c->code = code;
	c->name_ptr = v->name_ptr;
	c->file_ptr = v->file_ptr;
	c->method = v->state == V_MATCH ? v->method : 0;
	c->epoch = code_epoch(ep, slot);
}

/* enter_known reports the entry of a call whose final verdict the thread
 * remembers. */
static __always_inline int enter_known(struct task_struct *task, struct thread_state *ts, __u64 id,
				       __u64 code, __u32 method, struct open_call *ret)
{
	if (!method)
		return 1;
	if (return_too_deep(task)) {
		count_lost(EV_TOO_DEEP);
		return 1;
	}
	ret->code = code;
	ret->method = method;
	ret->flags = 0;
	record_call(ts, EV_ENTER, id, code, method, 0);
	return 0;
}

/* on_entry looks at one entry of the evaluator. It returns 0 when the
 * call is matched or pending, so that its return must be seen, with *ret
 * describing the call for that return; 1 when the return does not matter.
 * A thread that remembers its process and the code object needs no map
 * lookup; otherwise the process's configuration and the verdict map are
 * read, and what they say remembered. */
static __always_inline int on_entry(struct pt_regs *ctx, __u64 id, struct open_call *ret)
{
	__u32 tgid = id >> 32;
	__u32 ep = epoch();
	__u64 code = 0, name_ptr = 0, file_ptr = 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct thread_state *ts = task_thread(task, 0);
	int known = ts && ts->tgid == tgid && ts->epoch == ep;
	if (known) {
		code = code_of(frame_of(ctx, ts->fl.frame_arg), ts->fl.frame_code, ts->fl.flags);
		if (!code)
			return 1;
		__u32 slot = code_slot(code);
		const struct cached_code *c = &ts->codes[slot];
		/* Where code_freed watches frees, the address and the epoch
		 * tell the object; elsewhere its name and file must agree. */
		if (c->code == code && c->epoch == code_epoch(ep, slot)) {
			if (ts->fl.flags & LAYOUT_CODE_FREED)
				return enter_known(task, ts, id, code, c->method, ret);
			read_names(ts->fl.code_name, ts->fl.code_filename, code, &name_ptr, &file_ptr);
			if (c->name_ptr == name_ptr && c->file_ptr == file_ptr)
				return enter_known(task, ts, id, code, c->method, ret);
		} else {
			read_names(ts->fl.code_name, ts->fl.code_filename, code, &name_ptr, &file_ptr);
		}
	}

	struct proc *p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || !(p->state & PROC_PYTHON))
		return 1;
	if (!(p->state & PROC_BIAS)) {
		p->bias = PT_REGS_IP(ctx) - p->sym.eval_frame;
		p->state |= PROC_BIAS;
	}
	if ((p->l.flags & LAYOUT_HOOK) && !(p->state & (PROC_HOOKED | PROC_FOREIGN)))
		request_hook(ctx, p, id);
	__u64 frame = frame_of(ctx, p->l.frame_arg);
	if (!known) {
		code = code_of(frame, p->l.frame_code, p->l.flags);
		if (!code)
			return 1;
	}
	if ((p->l.flags & LAYOUT_CODE_TYPE) && read_ptr(code + p->l.ob_type) != p->sym.code_type + p->bias)
		return 1;
	if (!known)
		read_names(p->l.code_name, p->l.code_filename, code, &name_ptr, &file_ptr);
	if (!ts)
		ts = task_thread(task, 1);

	struct vkey k = {.tgid = tgid, .code = code};
	struct verdict nv = {};
	struct verdict *v = bpf_map_lookup_elem(&verdicts, &k);
	__u8 flags = 0;
	if (!v || v->name_ptr != name_ptr || v->file_ptr != file_ptr) {
		nv.name_ptr = name_ptr;
		nv.file_ptr = file_ptr;
		nv.state = V_PENDING;
		nv.slots[0] = nv.slots[1] = nv.slots[2] = nv.slots[3] = -1;
		bpf_map_update_elem(&verdicts, &k, &nv, BPF_ANY);
		if (emit_code(p, id, code, name_ptr, file_ptr)) {
			/* Without its description the code could never be
			 * resolved: forget it, the next call tries again. */
			bpf_map_delete_elem(&verdicts, &k);
			count_lost(EV_ENTER);
			return 1;
		}
		v = &nv;
	}
	remember(ts, p, tgid, ep, code, v);
	if (v->state == V_SKIP)
		return 1;
	if (v->state == V_PENDING)
		flags = F_PENDING;
	if ((v->state == V_PENDING || v->gen) && creates_generator(p, code, frame))
		return 1;
	if (return_too_deep(task)) {
		/* Its return would never be reported: an Enter without its Exit
		 * would make a call of unknown length. Say so instead; a pending
		 * call is said to user space, which alone knows whether it
		 * matters. */
		if (flags & F_PENDING)
			emit_too_deep(id, code);
		else
			count_lost(EV_TOO_DEEP);
		return 1;
	}
	ret->code = code;
	ret->method = v->method;
	ret->flags = flags;
	emit_enter(ctx, p, ts, id, code, frame, v, flags);
	return 0;
}

static __always_inline void emit_exit(struct pt_regs *ctx, __u64 id, const struct open_call *oc)
{
	__u8 flags = oc->flags & F_PENDING;
	if (PT_REGS_RC(ctx) == 0)
		flags |= F_EXCEPTION;
	record_call(current_thread(0), EV_EXIT, id, oc->code, oc->method, flags);
}

/* The pair of probes, for kernels without uprobe sessions: every call pays
 * for the return trampoline, and the kernel follows at most 64 nested
 * returns per thread. A thread remembers its reported calls on a stack in
 * its state, by stack pointer at entry, for the uretprobe; the opens map
 * holds them when the thread has no state or its stack is full. */
static __always_inline int pair_entry(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct open_call oc = {};
	if (on_entry(ctx, id, &oc))
		return 0;
	__u64 sp = PT_REGS_SP(ctx);
	struct thread_state *ts = current_thread(0);
	if (ts) {
		__u64 i = ts->opened;
		barrier_var(i);
		if (i < MAX_RETURN_DEPTH) {
			struct open_frame *f = &ts->open[i];
			f->sp = sp;
			f->code = oc.code;
			f->method = oc.method;
			f->flags = oc.flags;
			ts->opened = i + 1;
			return 0;
		}
		ts->spilled++;
	}
	struct okey ok = {.pid_tgid = id, .sp = sp};
	bpf_map_update_elem(&opens, &ok, &oc, BPF_ANY);
	return 0;
}

/* open_frame_of takes the innermost remembered call off the thread's
 * stack when this return is its own; a frame entered deeper (below sp),
 * whose return was never seen, is dropped on the way. */
static __always_inline int open_frame_of(struct thread_state *ts, __u64 sp, struct open_call *oc)
{
#pragma unroll
	for (int k = 0; k < 4; k++) {
		__u64 top = ts->opened;
		if (top == 0 || top > MAX_RETURN_DEPTH)
			return 0;
		top--;
		barrier_var(top);
		if (top >= MAX_RETURN_DEPTH)
			return 0;
		struct open_frame *f = &ts->open[top];
		if (f->sp > sp)
			return 0; /* an outer call: this return is not a reported one */
		ts->opened = top;
		if (f->sp == sp) {
			oc->code = f->code;
			oc->method = f->method;
			oc->flags = f->flags;
			return 1;
		}
	}
	return 0;
}

static __always_inline int pair_return(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	/* The return address has been popped: sp is 8 above its value at entry. */
	__u64 sp = PT_REGS_SP(ctx) - 8;
	struct thread_state *ts = current_thread(0);
	struct open_call oc = {};
	if (ts && open_frame_of(ts, sp, &oc)) {
		emit_exit(ctx, id, &oc);
		return 0;
	}
	if (ts && !ts->spilled)
		return 0;
	__u32 tgid = id >> 32;
	if (!bpf_map_lookup_elem(&procs, &tgid))
		return 0;
	struct okey ok = {.pid_tgid = id, .sp = sp};
	struct open_call *spilled = bpf_map_lookup_elem(&opens, &ok);
	if (!spilled)
		return 0;
	if (ts)
		ts->spilled--;
	emit_exit(ctx, id, spilled);
	bpf_map_delete_elem(&opens, &ok);
	return 0;
}

/* The pair through perf-event uprobes (any kernel), and through
 * uprobe_multi links (6.6+), which need no perf event: CAP_BPF and
 * CAP_PERFMON suffice for them. */
SEC("uprobe")
int eval_entry(struct pt_regs *ctx)
{
	return pair_entry(ctx);
}

SEC("uretprobe")
int eval_return(struct pt_regs *ctx)
{
	return pair_return(ctx);
}

SEC("uprobe.multi")
int eval_entry_multi(struct pt_regs *ctx)
{
	return pair_entry(ctx);
}

SEC("uretprobe.multi")
int eval_return_multi(struct pt_regs *ctx)
{
	return pair_return(ctx);
}

extern _Bool bpf_session_is_return(void) __ksym;
extern __u64 *bpf_session_cookie(void) __ksym;

/* The session program (Linux 6.13+): one program for entry and return,
 * and only matched or pending calls ask for their return, so unmatched
 * calls skip the return trampoline and the kernel's limit of 64 nested
 * returns counts matched calls only. The cookie carries the call to its
 * return: the method id, or for a pending call its code address. */
SEC("uprobe.session")
int eval_session(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 *cookie = bpf_session_cookie();
	if (!cookie)
		return 1;
	/* Every call whose return is asked for leaves a non-zero cookie: the
	 * kfunc is asked only then (the kernel zeroes it at entry). */
	__u64 c = *cookie;
	if (c && bpf_session_is_return()) {
		struct open_call oc = {};
		if (c & COOKIE_METHOD) {
			oc.method = (__u32)c;
		} else {
			oc.code = c;
			oc.flags = F_PENDING;
		}
		emit_exit(ctx, id, &oc);
		return 0;
	}
	struct open_call oc = {};
	if (on_entry(ctx, id, &oc))
		return 1;
	*cookie = oc.flags & F_PENDING ? oc.code : (COOKIE_METHOD | oc.method);
	return 0;
}

/* code_freed runs when a traced process frees a code object (code_dealloc,
 * found through PyCode_Type.tp_dealloc): its verdict is dropped, so that
 * another object at its address is described anew, and the threads stop
 * trusting what they remember of its cache slot. */
SEC("uprobe.multi")
int code_freed(struct pt_regs *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct proc *p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || !(p->state & PROC_PYTHON))
		return 0;
	__u64 code = PT_REGS_PARM1(ctx);
	struct vkey k = {.tgid = tgid, .code = code};
	bpf_map_delete_elem(&verdicts, &k);
	__sync_fetch_and_add(&slot_epochs[code_slot(code)], 1);
	return 0;
}

/* usdt_value reads one USDT argument, as libbpf's usdt.bpf.h does. */
static __always_inline __u64 usdt_value(struct pt_regs *ctx, const struct proc *p, const struct usdt_arg *a)
{
	__u64 v = 0, reg = 0;
	switch (a->kind) {
	case USDT_REG:
		bpf_probe_read_kernel(&v, sizeof(v), (void *)ctx + (a->reg_off & 0xff));
		break;
	case USDT_DEREF:
		bpf_probe_read_kernel(&reg, sizeof(reg), (void *)ctx + (a->reg_off & 0xff));
		bpf_probe_read_user(&v, sizeof(v), (void *)(reg + a->offset));
		break;
	case USDT_CONST:
		v = a->offset;
		break;
	case USDT_ABS:
		bpf_probe_read_user(&v, sizeof(v), (void *)(p->bias + a->offset));
		break;
	}
	if (a->size < 8 && a->size > 0) {
		__u32 shift = 64 - a->size * 8;
		v <<= shift;
		v = a->is_signed ? (__u64)((__s64)v >> shift) : v >> shift;
	}
	return v;
}

static __always_inline int emit_usdt_code(__u64 id, __u64 file, __u64 func, __s32 line)
{
	flush_thread();
	struct ev_code *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(EV_CODE);
		return -1;
	}
	fill_hdr(&e->h, EV_CODE, id, func);
	e->h.flags = F_UTF8;
	e->name_ptr = func;
	e->file_ptr = file;
	e->name_state = e->file_state = 0;
	e->name_trunc = e->file_trunc = 0;
	e->firstlineno = line;
	e->co_flags = 0;
	long n = bpf_probe_read_user_str(e->name, NAME_MAX_BYTES, (void *)func);
	e->name_len = n > 0 ? n - 1 : 0;
	n = bpf_probe_read_user_str(e->file, FILE_MAX_BYTES, (void *)file);
	e->file_len = n > 0 ? n - 1 : 0;
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* Engine E1u: python:function__entry, where the interpreter has it and it
 * fires (dtrace builds up to 3.10, 3.15+). A code object is known by its
 * name and file pointers (the UTF-8 buffers of co_name and co_filename). */
SEC("uprobe")
int usdt_entry(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct proc *p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || !(p->state & PROC_PYTHON))
		return 0;
	if (!(p->state & PROC_BIAS)) {
		p->bias = PT_REGS_IP(ctx) - p->usdt_entry_pc;
		p->state |= PROC_BIAS;
	}
	__u64 file = usdt_value(ctx, p, &p->usdt_entry.file);
	__u64 func = usdt_value(ctx, p, &p->usdt_entry.func);
	__s32 line = usdt_value(ctx, p, &p->usdt_entry.line);
	if (!func)
		return 0;
	struct vkey k = {.tgid = tgid, .code = func};
	struct verdict nv = {};
	struct verdict *v = bpf_map_lookup_elem(&verdicts, &k);
	__u8 flags = 0;
	if (!v || v->name_ptr != func || v->file_ptr != file) {
		nv.name_ptr = func;
		nv.file_ptr = file;
		nv.state = V_PENDING;
		nv.slots[0] = nv.slots[1] = nv.slots[2] = nv.slots[3] = -1;
		bpf_map_update_elem(&verdicts, &k, &nv, BPF_ANY);
		if (emit_usdt_code(id, file, func, line)) {
			bpf_map_delete_elem(&verdicts, &k);
			count_lost(EV_ENTER);
			return 0;
		}
		v = &nv;
	}
	if (v->state == V_SKIP)
		return 0;
	if (v->state == V_PENDING)
		flags = F_PENDING;
	record_call(current_thread(1), EV_ENTER, id, func, v->method, flags);
	return 0;
}

/* python:function__return fires on every way out of the frame; it does not
 * say whether an exception was raised. */
SEC("uprobe")
int usdt_return(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct proc *p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || !(p->state & PROC_PYTHON))
		return 0;
	__u64 file = usdt_value(ctx, p, &p->usdt_return.file);
	__u64 func = usdt_value(ctx, p, &p->usdt_return.func);
	struct vkey k = {.tgid = tgid, .code = func};
	struct verdict *v = bpf_map_lookup_elem(&verdicts, &k);
	if (!v || v->name_ptr != func || v->file_ptr != file || v->state == V_SKIP)
		return 0;
	record_call(current_thread(0), EV_EXIT, id, func, v->method, v->state == V_PENDING ? F_PENDING : 0);
	return 0;
}

static __always_inline void emit_proc(__u8 type, __u32 tgid, __u32 child, __u8 flags)
{
	struct ev_proc *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(type);
		return;
	}
	fill_hdr(&e->h, type, (__u64)tgid << 32 | tgid, 0);
	e->h.flags = flags;
	e->child = child;
	e->pad = 0;
	e->value = 0;
	submit(e);
}

/* A child of a traced process is traced from its first instruction: it
 * inherits the parent's configuration, and its memory (with the hook). */
SEC("raw_tracepoint/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	if (ctgid != (__u32)BPF_CORE_READ(child, pid) || ctgid == ptgid)
		return 0; /* a thread */
	struct proc *p = bpf_map_lookup_elem(&procs, &ptgid);
	if (!p)
		return 0;
	/* Only the launched process itself is ever stopped: its parent is the
	 * tracer, which knows; a child's parent is the app's, which would not. */
	struct proc c = *p;
	c.state &= ~(PROC_STOP_AT_EXEC | PROC_STOP_FOR_HOOK | PROC_STOPPED);
	c.stops = 0;
	if (bpf_map_update_elem(&procs, &ctgid, &c, BPF_ANY))
		return 0;
	emit_proc(EV_FORK, ptgid, ctgid, 0);
	return 0;
}

SEC("raw_tracepoint/sched_process_exec")
int on_exec(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct proc *p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		return 0;
	if (p->state & PROC_EXEC_NEXT) {
		/* A gated launch: the configuration is that of this program. */
		p->state &= ~PROC_EXEC_NEXT;
		return 0;
	}
	/* The calls of the program before are all the thread will say of it;
	 * what threads remember is of that program. */
	struct thread_state *ts = current_thread(0);
	if (ts) {
		__u32 n = flush_batch(ts);
		if (n)
			count_lost_n(EV_BATCH, n);
		ts->depth = 0;
		ts->opened = 0;
		ts->spilled = 0;
	}
	__sync_fetch_and_add(&epoch_bpf, 1);
	/* The launched process executing another program (a wrapper script, a
	 * pyenv shim, env): it waits until user space has looked at it, so
	 * that an interpreter is traced from its first instruction. */
	p->state &= PROC_STOP_AT_EXEC;
	__u8 flags = 0;
	if ((p->state & PROC_STOP_AT_EXEC) && !bpf_send_signal(SIGSTOP_NR)) {
		p->stops++;
		flags = F_STOPPED;
	}
	emit_proc(EV_EXEC, tgid, 0, flags);
	return 0;
}

SEC("raw_tracepoint/sched_process_exit")
int on_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	__u32 tgid = BPF_CORE_READ(task, tgid);
	/* The exiting thread is the current one. */
	flush_thread();
	/* The process is gone when its last thread exits (signal->live is
	 * already decremented here). The leader alone is not enough: a thread
	 * that executes a program takes the leader's place, and the leader's
	 * exit then says nothing of the process. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (bpf_map_delete_elem(&procs, &tgid))
		return 0;
	emit_proc(EV_GONE, tgid, 0, 0);
	return 0;
}

/* flush_threads runs at detach, once the probes are gone, over every task:
 * it flushes the batches of the threads that were inside a reported call. */
SEC("iter/task")
int flush_threads(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	if (!task)
		return 0;
	struct thread_state *ts = bpf_task_storage_get(&threads, task, 0, 0);
	if (!ts)
		return 0;
	__u32 n = flush_batch(ts);
	if (n)
		count_lost_n(EV_BATCH, n);
	return 0;
}
