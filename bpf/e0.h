/* Types engine E0 (bpf/e0.bpf.c) shares with user space (loader/e0*.go). */
#ifndef HPDIAG_E0_H
#define HPDIAG_E0_H

#include "e1.h"

/* Bytes of a buffer or statement copied into one record (a power of two). */
#define E0_CAP 2048

/* Record types, after E1's in the same ring buffer (e1.h EV_*). */
#define EV_ACCEPT 20        /* a traced process accepted a TCP connection */
#define EV_CONNECT 21       /* a traced process connected a TCP socket */
#define EV_READ 22          /* bytes read from a traced socket (or SSL_read) */
#define EV_WRITE 23         /* bytes written to a traced socket (or SSL_write) */
#define EV_CLOSE 24         /* a traced socket was closed or shut down */
#define EV_SQLITE_PREPARE 25 /* sqlite3_prepare*: a statement and its text */
#define EV_SQLITE_STEP 26   /* sqlite3_step was called */
#define EV_SQLITE_RESET 27  /* sqlite3_reset or sqlite3_finalize */
#define EV_PQ_EXEC 28       /* PQexec, PQexecParams: text, start and end */
#define EV_PQ_PREPARE 29    /* PQprepare: name and text */
#define EV_PQ_EXEC_PREPARED 30 /* PQexecPrepared: name, start and end */
#define E0_EV_TYPES 31

/* ev_net flags (in ev_hdr.flags). */
#define NF_TLS 1            /* plaintext from libssl: conn is the SSL pointer */
#define NF_TRUNC 2          /* more bytes than captured */

/* ev_net.family */
#define NET_V4 2
#define NET_V6 10

struct ev_net {
	struct ev_hdr h;        /* h.ts: when the call returned; h.code: conn */
	__u64 start;            /* when the call was made */
	__s64 ret;              /* bytes transferred, or the return value */
	__u32 fd;
	__u32 len;              /* bytes in data */
	__u16 family;           /* EV_ACCEPT, EV_CONNECT */
	__u16 lport;            /* local port, host order */
	__u16 rport;            /* remote port, host order */
	__u16 pad;
	__u8 laddr[16];         /* IPv4 in the first 4 bytes */
	__u8 raddr[16];
	__u8 data[E0_CAP];
};

/* ev_sql: EV_SQLITE_*, EV_PQ_*. h.code is the sqlite3_stmt* or PGconn*. */
struct ev_sql {
	struct ev_hdr h;        /* h.ts: when the call returned */
	__u64 start;
	__s64 ret;              /* sqlite3_step: its result code */
	__u32 len;              /* bytes in data */
	__u32 name_len;         /* EV_PQ_PREPARE, EV_PQ_EXEC_PREPARED: bytes of name */
	__u8 name[64];
	__u8 data[E0_CAP];
};

#endif
