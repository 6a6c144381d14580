"""pyprobe.init() outside hpdiag-trace: starts bin_dir/hpdiag-trace collect
as this process's collector, connects to it and starts the shim engine
(hpdiag._engine, the same engine hpdiag-trace injects) in this process."""
import binascii
import json
import os
import struct
import subprocess
import sys
import tempfile

STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 30.0


def _log_file(config_dir):
    """Where the collector's messages go: never the application's stderr."""
    for d in (os.path.join(os.path.dirname(os.path.abspath(config_dir)), 'log'),
              '/var/log/hpdiag', tempfile.gettempdir()):
        if os.path.isdir(d) and os.access(d, os.W_OK):
            return os.path.join(d, 'hpdiag-collector-%d.log' % os.getpid())
    return os.devnull


def _hello(token):
    gil = getattr(sys, '_is_gil_enabled', None)
    return {
        'token': token, 'pid': os.getpid(), 'parent': 0,
        'version': list(sys.version_info)[:3], 'release': sys.version_info[3],
        'hexversion': sys.hexversion, 'impl': sys.implementation.name,
        'free_threaded': bool('t' in getattr(sys, 'abiflags', '') or (gil is not None and not gil())),
        'executable': sys.executable or '', 'argv': list(getattr(sys, 'argv', [])),
        'byteorder': sys.byteorder, 'platform': sys.platform,
    }


def start(config_dir, bin_dir, config_file, point_file):
    exe = os.path.join(bin_dir, 'hpdiag-trace.exe' if sys.platform.startswith('win') else 'hpdiag-trace')
    if not os.path.isfile(exe):
        raise OSError('the collector %s does not exist; install it with hpdiag-trace setup or give bin_dir' % exe)
    token = binascii.hexlify(os.urandom(16)).decode('ascii')
    argv = [exe, 'collect', '-d', config_dir]
    if config_file:
        argv += ['-c', config_file]
    if point_file:
        argv += ['-p', point_file]
    env = dict(os.environ)
    env['HPDIAG_COLLECT_TOKEN'] = token
    env['HPDIAG_COLLECT_PID'] = str(os.getpid())
    log = open(_log_file(config_dir), 'ab')
    try:
        kw = {}
        if not sys.platform.startswith('win'):
            kw['start_new_session'] = True  # the app's ^C is not the collector's
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=log, env=env, close_fds=True, **kw)
    finally:
        log.close()
    line = proc.stdout.readline().decode('utf-8', 'replace').strip()
    proc.stdout.close()
    if not line.startswith('listening '):
        proc.wait()
        raise OSError('the collector %s did not start (exit status %s); see its log' % (exe, proc.returncode))
    addr = line.split(' ', 1)[1]
    try:
        return _connect(addr, token), proc
    except Exception:
        try:
            proc.kill()
            proc.wait()
        except Exception:
            pass
        raise


def _connect(addr, token):
    from . import _engine
    from ._engine import wire
    sock = wire.connect(addr)
    hello = _hello(token)
    body = json.dumps(hello).encode('utf-8')
    sock.sendall(struct.pack('<IB', len(body) + 1, wire.HELLO) + body)
    size, kind = struct.unpack('<IB', _recv(sock, 5))
    reply = json.loads(_recv(sock, size - 1).decode('utf-8'))
    if kind != wire.WELCOME or not reply.get('ok'):
        sock.close()
        raise OSError(reply.get('refuse') or 'the collector refused this interpreter')
    hello.pop('token', None)
    preloaded = None
    if not reply.get('instrument_loaded_modules'):
        preloaded = set(sys.modules)
        preloaded.discard('__main__')
    # The hpdiag package itself (pyprobe and this engine) is never traced.
    here = os.path.dirname(os.path.abspath(__file__))
    return _engine.start(sock, addr, token, here, hello, reply, preloaded=preloaded)


def _recv(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(n)
        if not chunk:
            raise EOFError('the collector closed the connection')
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)


def wait(proc):
    try:
        proc.wait(SHUTDOWN_TIMEOUT)
    except Exception:
        pass
