/* The types engine E1 shares with its Go loader (bpf2go generates their Go
 * twins): the per-process configuration written by the loader, the verdicts
 * it writes back, and the events the programs send. */
#ifndef HPDIAG_E1_H
#define HPDIAG_E1_H

#define MAX_ARGS 4
#define ARG_DATA 248
#define NAME_MAX_BYTES 256
#define FILE_MAX_BYTES 1024
#define DOC_MAX_BYTES 256

/* layout.flags */
#define LAYOUT_HOOK 1        /* 3.11+: write eval_frame so calls are not inlined */
#define LAYOUT_CODE_TYPE 2   /* 3.13+: the frame's executable may not be code */
#define LAYOUT_TAGGED 4      /* 3.14+: frame and stack references carry tag bits */
#define LAYOUT_LONG_TAG 8    /* 3.12+: PyLong has lv_tag instead of ob_size */
#define LAYOUT_CODE_FREED 16 /* code_freed watches the interpreter's code_dealloc */

/* proc.state */
#define PROC_PYTHON 1        /* configured: the programs act on this process */
#define PROC_BIAS 2          /* bias is known */
#define PROC_HOOKED 4        /* eval_frame is ours, or its writing was asked for */
#define PROC_FOREIGN 8       /* another PEP 523 hook was found: never touch it */
#define PROC_EXEC_NEXT 16    /* configured for the program it is about to execute */
#define PROC_STOP_FOR_HOOK 32 /* stop the process until user space has written the hook */
#define PROC_STOPPED 64      /* it was stopped for that (SIGSTOP) */
#define PROC_STOP_AT_EXEC 128 /* stop it at each exec until user space has looked at the program */

/* verdict.state */
#define V_PENDING 1
#define V_MATCH 2
#define V_SKIP 3

/* event types */
#define EV_CODE 1
#define EV_ENTER 2
#define EV_ENTER_ARGS 3
#define EV_EXIT 4
#define EV_FORK 5
#define EV_EXEC 6
#define EV_GONE 7
#define EV_HOOK 8
/* a call nested too deep for its return to be seen: its counter in lost,
 * and for a pending call an event */
#define EV_TOO_DEEP 9
/* a thread's calls (bpf/threads.h): ev_hdr.method records of struct
 * batched_call follow the head, whose ts they count from */
#define EV_BATCH 10
#define EV_TYPES 11

/* records in one batch, code objects a thread remembers (a power of two),
 * and how old a batch's first record may get before a record flushes it */
#define BATCH_CALLS 120
#define CODE_CACHE 32
#define BATCH_AGE_NS 10000000ULL

/* batched_call.what: the method id, shifted, and these bits */
#define BC_EXIT 1
#define BC_EXCEPTION 2
#define BC_METHOD_SHIFT 4
#define BC_METHOD_MAX (1U << (32 - BC_METHOD_SHIFT))

/* The kernel reports at most this many nested returns per thread
 * (MAX_URETPROBE_DEPTH in kernel/events/uprobes.c): a thread's stack of
 * reported calls for the pair holds as many. */
#define MAX_RETURN_DEPTH 64

/* the session cookie of a matched call: the method id in the low bits */
#define COOKIE_METHOD (1ULL << 63)

/* ev_hdr.flags */
#define F_EXCEPTION 1        /* EV_EXIT: NULL return, an exception */
#define F_PENDING 2          /* EV_ENTER, EV_EXIT: the verdict was not known yet */
#define F_FOREIGN 4          /* EV_HOOK: another hook was there */
#define F_UTF8 8             /* EV_CODE: the names are UTF-8 C strings (USDT) */
#define F_STOPPED 16         /* EV_HOOK: the process is stopped until continued */

/* arg_val.kind */
#define ARG_UNBOUND 0
#define ARG_STR 1
#define ARG_INT 2
#define ARG_FLOAT 3
#define ARG_TRUE 4
#define ARG_FALSE 5
#define ARG_NONE 6
#define ARG_OTHER 7          /* data holds the type's tp_name */
#define ARG_UNREAD 8         /* the memory could not be read */

/* Offsets into CPython objects for one interpreter version (pyframes).
 * A negative offset means the version has no such field. */
struct layout {
	__u32 frame_arg;        /* which argument of _PyEval_EvalFrameDefault is the frame */
	__u32 flags;
	__s32 frame_code;
	__s32 frame_localsplus;
	__s32 code_name;        /* co_qualname where it exists, else co_name */
	__s32 code_filename;
	__s32 code_firstlineno;
	__s32 code_flags;
	__s32 ob_type;
	__s32 tp_name;
	__s32 str_state;
	__s32 str_length;
	__s32 str_ascii_data;
	__s32 str_compact_data;
	__u32 str_kind_shift;
	__u32 str_compact_bit;
	__u32 str_ascii_bit;
	__s32 long_size;        /* ob_size, or lv_tag with LAYOUT_LONG_TAG */
	__s32 long_digits;
	__s32 float_value;
	__s32 tstate_interp;
	__s32 interp_eval_frame;
	__s32 code_argcount;
	__s32 code_consts;
	__u32 doc_flag;         /* CO_HAS_DOCSTRING, or 0: a str co_consts[0] is the docstring */
	__s32 code_localnames;  /* co_varnames (3.10-) or co_localsplusnames: a tuple */
	__s32 tuple_item;
	__s32 frame_owner;      /* 3.11+: who owns the frame (a char) */
	__u32 owner_generator;  /* the owner value of a generator's frame */
	__u32 gen_flags;        /* CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR */
	__u32 pad;
};

/* Link-time addresses (ELF st_value) of what the programs compare with;
 * adding proc.bias gives their address in the process. */
struct symbols {
	__u64 eval_frame;       /* _PyEval_EvalFrameDefault */
	__u64 code_type;
	__u64 str_type;
	__u64 long_type;
	__u64 float_type;
	__u64 none;
	__u64 true_obj;
	__u64 false_obj;
};

/* One USDT argument, as its .note.stapsdt spec says (loader/usdt.go). */
#define USDT_REG 1
#define USDT_DEREF 2
#define USDT_CONST 3
#define USDT_ABS 4              /* rip-relative: a link-time address, add the bias */

struct usdt_arg {
	__u8 kind;
	__u8 size;
	__u8 is_signed;
	__u8 pad;
	__u16 reg_off;          /* the register's offset in struct pt_regs */
	__u16 pad2;
	__s64 offset;           /* displacement, constant, or link-time address */
};

/* python:function__entry and function__return: (filename, funcname, lineno) */
struct usdt_call {
	struct usdt_arg file;
	struct usdt_arg func;
	struct usdt_arg line;
};

struct proc {
	struct layout l;
	struct symbols sym;
	struct usdt_call usdt_entry;
	struct usdt_call usdt_return;
	__u64 usdt_entry_pc;    /* link-time address of function__entry, for the bias */
	__u64 bias;
	__u32 state;
	__u32 stops;            /* SIGSTOPs the programs sent the process (see OwnStop) */
};

struct vkey {
	__u32 tgid;
	__u32 pad;
	__u64 code;
};

struct verdict {
	__u64 name_ptr;         /* guards against a freed code object's address reused */
	__u64 file_ptr;
	__u16 state;
	__u16 gen;              /* a generator, coroutine or async generator's code */
	__u32 method;
	__s16 slots[MAX_ARGS];  /* fast-local index to capture, -1 for none */
};

struct okey {
	__u64 pid_tgid;
	__u64 sp;               /* the stack pointer at entry: one C call of the evaluator */
};

struct open_call {
	__u64 code;
	__u32 method;
	__u32 flags;
};

struct ev_hdr {
	__u8 type;
	__u8 flags;
	__u16 pad;
	__u32 tgid;
	__u32 tid;
	__u32 method;
	__u64 ts;
	__u64 code;
};

struct arg_val {
	__u8 kind;
	__u8 truncated;
	__u16 len;              /* bytes in data */
	__u32 aux;              /* ARG_STR: the str state word */
	__u8 data[ARG_DATA];
};

struct ev_call {
	struct ev_hdr h;
};

/* One call in a batch: an Enter or Exit of a matched method, whose verdict
 * was known when it ran, in 8 bytes (a record alone takes 32). */
struct batched_call {
	__u32 dt;               /* ns after the batch's ev_hdr.ts */
	__u32 what;             /* method << BC_METHOD_SHIFT | BC_EXIT | BC_EXCEPTION */
};

struct ev_call_args {
	struct ev_hdr h;
	struct arg_val args[MAX_ARGS];
};

struct ev_code {
	struct ev_hdr h;
	__u64 name_ptr;
	__u64 file_ptr;
	__u32 name_state;
	__u32 file_state;
	__u32 name_len;         /* bytes copied */
	__u32 file_len;
	__s32 firstlineno;
	__u32 co_flags;
	__s32 argcount;
	__u32 first_state;      /* the first local's name: a str's state and bytes */
	__u32 first_len;
	__u8 first_trunc;
	__u8 pad2[3];
	__u8 first[16];
	__u32 doc_state;        /* the docstring, for args:name of a function */
	__u32 doc_len;
	__u8 doc_trunc;
	__u8 pad3[7];
	__u8 doc[DOC_MAX_BYTES];
	__u8 name_trunc;
	__u8 file_trunc;
	__u8 pad[6];
	__u8 name[NAME_MAX_BYTES];
	__u8 file[FILE_MAX_BYTES];
};

struct ev_proc {
	struct ev_hdr h;
	__u32 child;            /* EV_FORK: the new process */
	__u32 pad;
	__u64 value;            /* EV_HOOK: the interpreter state; with F_FOREIGN the hook found */
};

#endif
