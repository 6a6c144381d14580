"""Frames between the shim and the tracer (shim/PROTOCOL.md)."""
import _socket
import _thread
import json
import os
import struct
import sys

HELLO = 1
VERDICT_Q = 2
BATCH = 3
GOODBYE = 4
ERROR = 5
POINTS = 6
LOG = 7
WELCOME = 0x81
VERDICT = 0x82
ACCEPTED = 0x83

_HDR = struct.Struct('<IB')
_encode = json.JSONEncoder(separators=(',', ':')).encode
_decode = json.JSONDecoder().decode

CONNECT_TIMEOUT = 10.0
# Long enough for a busy tracer, short enough that a wedged one cannot hang
# the application for good: after it, tracing is switched off.
IO_TIMEOUT = 60.0


class Conn(object):
    """One connection to the tracer, shared by every thread of the process.

    The lock is re-entrant because a verdict request can be made while a
    thread of the shim holds it between two frames (only whole frames are
    ever written, so that is safe)."""

    def __init__(self, sock):
        self.sock = sock
        self.lock = _thread.RLock()
        # Set when a frame or a question was interrupted (KeyboardInterrupt
        # in sendall or recv): the stream is out of step from then on.
        self.broken = False

    def send(self, kind, payload):
        """Writes one frame; the caller holds the lock."""
        if self.broken:
            raise EOFError('the connection is out of step after an interrupted frame')
        try:
            self.sock.sendall(_HDR.pack(len(payload) + 1, kind) + payload)
        except BaseException:
            self.broken = True  # maybe half written
            raise

    def request(self, kind, obj, want):
        """Sends a JSON frame and returns the decoded JSON reply."""
        body = _encode(obj).encode('utf-8', 'replace')
        with self.lock:
            if self.broken:
                raise EOFError('the connection is out of step after an interrupted frame')
            try:
                self.send(kind, body)
                size, got = _HDR.unpack(self._recv(_HDR.size))
                reply = self._recv(size - 1)
            except BaseException:
                self.broken = True
                raise
        if got != want:
            raise ValueError('tracer answered frame %d with %d' % (kind, got))
        return _decode(reply.decode('utf-8'))

    def _recv(self, n):
        chunks = []
        while n > 0:
            chunk = self.sock.recv(n)
            if not chunk:
                raise EOFError('the tracer closed the connection')
            chunks.append(chunk)
            n -= len(chunk)
        return b''.join(chunks)

    def close(self):
        try:
            self.sock.close()
        except Exception:
            pass

    def forget(self):
        """In a fork child: drops the parent's socket without a word, so
        that the parent's connection stays intact."""
        self.close()
        self.lock = _thread.RLock()


def connect(addr):
    host, _, port = addr.rpartition(':')
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_TIMEOUT)
        sock.connect((host, int(port)))
        sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        sock.settimeout(IO_TIMEOUT)
    except Exception:
        sock.close()
        raise
    return sock


def hello_for_child(template, parent):
    """The hello of a fork child: its parent's, with its own pid."""
    hello = dict(template)
    hello['pid'] = os.getpid()
    hello['parent'] = parent
    argv = getattr(sys, 'argv', None)
    if argv is not None:
        hello['argv'] = list(argv)
    return hello
