# Bootstrap of the hpdiag-trace shim engine (see shim/PROTOCOL.md).
#
# hpdiag-trace puts this file's directory first on PYTHONPATH, so site.py
# imports it as "sitecustomize" before the main module runs. It must stay
# syntax-compatible with Python 2.7 and 3.6: those interpreters have to get as
# far as saying hello, so that the tracer can refuse them by name.
#
# It never writes to stdout or stderr and never raises into the application:
# the only exception that can leave this file is the one the real
# sitecustomize (if any) would have raised without the shim.
import os
import sys


def _hpdiag_restore(env, saved_path, had_path, ours):
    # The application must see its own environment and sys.path.
    if had_path:
        env['PYTHONPATH'] = saved_path
    elif 'PYTHONPATH' in env:
        del env['PYTHONPATH']
    for name in ours:
        if name in env:
            del env[name]


def _hpdiag_unpath(here):
    want = os.path.normcase(here)
    for i, entry in enumerate(sys.path):
        try:
            same = os.path.normcase(os.path.abspath(entry)) == want
        except Exception:
            same = False
        if same:
            del sys.path[i]
            sys.path_importer_cache.pop(entry, None)
            return


def _hpdiag_connect(addr, timeout):
    # _socket, not socket: the C module is all this needs, and much
    # cheaper to import at every interpreter start.
    import _socket
    host, _, port = addr.rpartition(':')
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((host, int(port)))
        sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
    except Exception:
        sock.close()
        raise
    return sock


def _hpdiag_recv(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(n)
        if not chunk:
            raise EOFError('tracer closed the connection')
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)


def _hpdiag_hello(sock, token, parent):
    import json
    import struct
    impl = getattr(sys, 'implementation', None)
    if impl is not None:
        impl = impl.name
    elif '__pypy__' in sys.builtin_module_names:
        impl = 'pypy'
    else:
        impl = 'cpython'
    gil = getattr(sys, '_is_gil_enabled', None)
    free = 't' in getattr(sys, 'abiflags', '') or (gil is not None and not gil())
    argv = getattr(sys, 'argv', None)
    if argv is None:
        argv = getattr(sys, 'orig_argv', [])
    hello = {
        'token': token,
        'pid': os.getpid(),
        'parent': parent,
        'version': list(sys.version_info)[:3],
        'release': sys.version_info[3],
        'hexversion': sys.hexversion,
        'impl': impl,
        'free_threaded': bool(free),
        'executable': sys.executable or '',
        'argv': list(argv),
        'byteorder': sys.byteorder,
        'platform': sys.platform,
    }
    body = json.dumps(hello).encode('utf-8')
    sock.sendall(struct.pack('<IB', len(body) + 1, 1) + body)
    size, kind = struct.unpack('<IB', _hpdiag_recv(sock, 5))
    reply = json.loads(_hpdiag_recv(sock, size - 1).decode('utf-8'))
    if kind != 0x81:
        raise ValueError('unexpected reply %d to hello' % kind)
    return hello, reply


def _hpdiag_report(sock, message):
    # Best effort: tell the tracer why tracing is off.
    try:
        import json
        import struct
        import traceback
        body = json.dumps({'message': message, 'traceback': traceback.format_exc(),
                           'disabled': True}).encode('utf-8')
        sock.sendall(struct.pack('<IB', len(body) + 1, 5) + body)
    except Exception:
        pass


def _hpdiag_boot():
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ
    addr = env.get('HPDIAG_SHIM_ADDR')
    token = env.get('HPDIAG_SHIM_TOKEN', '')
    had_path = 'HPDIAG_SHIM_PYTHONPATH' in env
    saved_path = env.get('HPDIAG_SHIM_PYTHONPATH', '')
    ours = [k for k in env.keys() if k.startswith('HPDIAG_SHIM_')]
    _hpdiag_restore(env, saved_path, had_path, ours)
    if not addr:
        _hpdiag_unpath(here)
        return
    sock = None
    try:
        sock = _hpdiag_connect(addr, 10.0)
        sock.settimeout(60.0)
        hello, reply = _hpdiag_hello(sock, token, 0)
    except Exception:
        if sock is not None:
            sock.close()
        _hpdiag_unpath(here)
        return
    if not reply.get('ok'):
        # Refused: nothing may run untraced without the user knowing. The
        # tracer prints why; the process ends before the main module runs.
        try:
            sock.close()
        finally:
            os._exit(3)
    try:
        import _hpdiag_shim
    except Exception:
        _hpdiag_unpath(here)
        _hpdiag_report(sock, 'cannot import the shim')
        sock.close()
        return
    _hpdiag_unpath(here)
    for name in list(sys.modules):
        if name == '_hpdiag_shim' or name.startswith('_hpdiag_shim.'):
            del sys.modules[name]
    try:
        _hpdiag_shim.start(sock, addr, token, here, hello, reply)
    except Exception:
        _hpdiag_report(sock, 'cannot start the shim')
        try:
            sock.close()
        except Exception:
            pass


def _hpdiag_chain():
    # Hand over to the sitecustomize this one hides, if any, so that
    # sys.modules['sitecustomize'] is the original. When there is none, the
    # ImportError naming 'sitecustomize' is what site.py silently ignores, as
    # it would have without the shim; the import system then drops this
    # module from sys.modules.
    _hpdiag_unpath(os.path.dirname(os.path.abspath(__file__)))
    del sys.modules['sitecustomize']
    __import__('sitecustomize')


try:
    _hpdiag_boot()
except Exception:
    pass
_hpdiag_chain()
