"""Waits for SIGTERM or SIGINT, then exits with 7 (TERM) or 8 (INT)."""
import signal
import sys
import time


def work(n):
    return n * 2


def on_signal(signum, frame):
    print("got signal %d" % signum, flush=True)
    sys.exit(7 if signum == signal.SIGTERM else 8)


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)
for i in range(3):
    work(i)
print("ready", flush=True)
while True:
    time.sleep(0.05)
