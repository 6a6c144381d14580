"""The event queue of a process and the thread that ships it.

Callbacks append records to one array of unsigned 64-bit words, packed with
struct and added with one array.frombytes() call: a single C call, so a
record is never torn by a thread switch (and cheaper than array.extend of a
tuple); shipping a batch is one tobytes(). A record is (code id << 3 | kind, thread id, time) and,
for an Enter with a captured value, a fourth word: the value's id. Values
travel in the same batch frame, ahead of the records.
"""
import _thread
import itertools
import struct
from array import array
from collections import deque

from . import wire

ENTER = 1
EXIT = 2
EXIT_EXC = 3
ENTER_VALUE = 5
ATTR = 6  # a request attribute; the key in the high bits, a value id
KIND_BITS = 3

# Records in the interpreter's byte order (the hello says which).
PACK3 = struct.Struct('=QQQ').pack
PACK4 = struct.Struct('=QQQQ').pack
_BATCH_HDR = struct.Struct('<QI')
_VALUE_HDR = struct.Struct('<QI')
WORDS_PER_RECORD = 3
# Past this many queued words the recording thread wakes the flusher early.
HIGH_WATER_WORDS = WORDS_PER_RECORD * 65536


class Recorder(object):
    """Queue of records with a bound; a shipping thread empties it."""

    def __init__(self, conn, interval, max_records, on_error):
        self.conn = conn
        self.interval = interval
        self.limit = WORDS_PER_RECORD * max_records
        self.high = min(HIGH_WATER_WORDS, self.limit)
        self.on_error = on_error
        self.buf = array('Q')
        self.values = deque()
        self.vids = itertools.count(1)
        self.dropped = 0
        self.dropped_total = 0
        self.gen = 0
        self.closed = False
        self.tick = None  # called in the shipping thread at each wake-up
        self._new_locks()

    def _new_locks(self):
        self.drop_lock = _thread.allocate_lock()
        # A binary semaphore: held while the flusher sleeps, released to
        # wake it before its interval is up.
        self.sleeper = _thread.allocate_lock()
        self.sleeper.acquire()

    def start(self, thread_setup=None):
        """Starts the shipping thread. A raw thread, not a threading.Thread:
        the application's threading.enumerate() must not change."""
        _thread.start_new_thread(self._run, (self.gen, thread_setup))

    def _run(self, gen, thread_setup):
        if thread_setup is not None:
            thread_setup()
        while self.gen == gen:
            self.sleeper.acquire(True, self.interval)
            if self.gen != gen:
                return
            try:
                if self.tick is not None:
                    self.tick()
                self.flush()
            except Exception as exc:
                self.on_error('shipping events failed: %r' % (exc,))
                return

    def kick(self):
        try:
            self.sleeper.release()
        except RuntimeError:
            pass  # already awake

    def overflow(self, rec):
        """Slow path of a record (packed) once the queue is past its high
        water."""
        if self.closed:
            return
        if len(self.buf) < self.limit:
            self.buf.frombytes(rec)
        else:
            self.drop()
        self.kick()

    def drop(self):
        with self.drop_lock:
            self.dropped += 1

    def add_value(self, word, tid, t, data):
        """Records an Enter with a captured value (bytes)."""
        if self.closed:
            return
        buf = self.buf
        if len(buf) >= self.limit:
            self.drop()
            self.kick()
            return
        vid = next(self.vids)
        self.values.append((vid, data))
        rec = PACK4(word, tid, t, vid)
        if len(buf) < self.high:
            buf.frombytes(rec)
        else:
            self.overflow(rec)

    def add_word(self, word, tid, t):
        """Records a three-word record (an Exit) from the slow path."""
        if self.closed:
            return
        rec = PACK3(word, tid, t)
        if len(self.buf) < self.high:
            self.buf.frombytes(rec)
        else:
            self.overflow(rec)

    def flush(self):
        with self.conn.lock:
            self.flush_locked()

    def flush_locked(self):
        """Ships what is queued as one batch; the caller holds the lock.

        Only C functions and this package's code run here: anything else
        could be traced code and ask for a verdict in the middle."""
        buf = self.buf
        data = buf.tobytes()
        n = len(data) >> 3
        if n:
            # Records appended since tobytes() stay queued.
            del buf[:n]
        values = self.values
        parts = []
        count = 0
        while values:
            try:
                vid, value = values.popleft()
            except IndexError:
                break
            parts.append(_VALUE_HDR.pack(vid, len(value)))
            parts.append(value)
            count += 1
        with self.drop_lock:
            dropped = self.dropped
            self.dropped = 0
        self.dropped_total += dropped
        if not n and not count and not dropped:
            return
        parts.insert(0, _BATCH_HDR.pack(dropped, count))
        parts.append(data)
        self.conn.send(wire.BATCH, b''.join(parts))

    def stop(self):
        """Ends the shipping thread; what is queued stays for a last flush."""
        self.gen += 1
        self.kick()

    def fork_child(self, conn):
        """In a fork child: the parent ships what it queued; start empty."""
        self.gen += 1
        self.conn = conn
        del self.buf[:]
        self.values.clear()
        self.vids = itertools.count(1)
        self.dropped = 0
        self.dropped_total = 0
        self._new_locks()
