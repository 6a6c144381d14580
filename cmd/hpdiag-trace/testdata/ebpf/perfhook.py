"""Runs with the perf trampoline (PYTHONPERFSUPPORT=1, 3.12+), which is
another PEP 523 eval_frame hook: the eBPF engine must refuse to attach."""
import sys
import time

print("ready", flush=True)
sys.stdin.readline()
