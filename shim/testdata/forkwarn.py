"""Forks once single-threaded and once with a second thread running, from
the same line: Python 3.12+ warns only the second time. What the script
sees of the warnings machinery is printed (after a pause: on 3.13 the shim
can only tidy up once os.fork() has returned)."""
import os
import sys
import threading
import time
import warnings


def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def registry():
    reg = globals().get('__warningregistry__')
    return None if reg is None else sorted(k[0].split(' (pid')[0] for k in reg if isinstance(k, tuple))


fork()
time.sleep(0.1)
print('after a single-threaded fork:', registry(), len(warnings.filters))
stop = threading.Event()
t = threading.Thread(target=stop.wait)
t.start()
fork()
stop.set()
t.join()
print('after a multi-threaded fork:', registry(), len(warnings.filters))
sys.stdout.flush()
