/* The per-thread state of engine E1, in task storage: the thread's batch
 * of call records, and what the entry probe remembers of the thread's
 * process and code objects so that most calls need no map lookup.
 *
 * A batch is flushed to the ring buffer as one EV_BATCH record when it is
 * full, when the thread's outermost reported call returns, when its first
 * record is older than BATCH_AGE_NS, before any other record of the thread
 * (E0's included: bpf/e0.bpf.c flushes too), when the thread exits, and
 * at detach (flush_threads, a task iterator). Each thread's records thus
 * reach user space in the order they happened. */
#ifndef HPDIAG_THREADS_H
#define HPDIAG_THREADS_H

#include "shared.h"

/* The flush writes the head and the used records in one copy. */
struct call_batch {
	struct ev_hdr h; /* EV_BATCH; method holds the number of records */
	struct batched_call calls[BATCH_CALLS];
};

/* The few layout fields the entry probe needs, copied from the process's
 * configuration once it is stable (configured, bias known, hook in). */
struct fast_layout {
	__u32 frame_arg;
	__u32 flags;
	__s32 frame_code;
	__s32 code_name;
	__s32 code_filename;
	__u32 pad;
};

/* A final verdict on one code object, valid while its epoch is the
 * current one (see epoch in e1.bpf.c). */
struct cached_code {
	__u64 code;
	__u64 name_ptr;
	__u64 file_ptr;
	__u32 method; /* 0: not selected */
	__u32 epoch;
};

/* A reported call waiting for its uretprobe (the pair of probes). */
struct open_frame {
	__u64 sp; /* the stack pointer at entry */
	__u64 code;
	__u32 method;
	__u32 flags;
};

struct thread_state {
	struct call_batch b;
	__u64 n;     /* records in the batch; exchanged with 0 by a flush */
	__u32 depth; /* reported calls still open on the thread */
	__u32 tgid;  /* the process fl describes */
	__u32 epoch; /* fl is valid while this is the current epoch */
	__u32 pad;
	struct fast_layout fl;
	struct cached_code codes[CODE_CACHE];
	__u32 opened;  /* frames in open, innermost last */
	__u32 spilled; /* reported calls remembered in the opens map instead */
	struct open_frame open[MAX_RETURN_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_state);
} threads SEC(".maps");

static __always_inline struct thread_state *task_thread(struct task_struct *task, __u64 create)
{
	return bpf_task_storage_get(&threads, task, 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

static __always_inline struct thread_state *current_thread(__u64 create)
{
	return task_thread(bpf_get_current_task_btf(), create);
}

/* flush_batch writes the batch of ts as one record and returns how many
 * calls found no room. The exchange keeps two flushes of one thread (its
 * exit, and the iterator at detach) from writing the same calls twice. */
static __always_inline __u32 flush_batch(struct thread_state *ts)
{
	__u64 n = __sync_lock_test_and_set(&ts->n, 0);
	if (n == 0)
		return 0;
	if (n > BATCH_CALLS)
		n = BATCH_CALLS;
	ts->b.h.method = n;
	if (bpf_ringbuf_output(&events, &ts->b, sizeof(ts->b.h) + n * sizeof(struct batched_call),
			       BPF_RB_NO_WAKEUP))
		return n;
	return 0;
}

/* flush_current flushes the current thread's batch, if it has one. */
static __always_inline __u32 flush_current(void)
{
	struct thread_state *ts = current_thread(0);
	return ts ? flush_batch(ts) : 0;
}

#endif
