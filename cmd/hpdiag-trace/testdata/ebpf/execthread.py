"""Executes execthread2.py from a thread other than the main one: the
process keeps its pid and must stay traced through the exec."""
import os, sys, threading
def go():
    os.execv(sys.executable, [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "execthread2.py")])
if len(sys.argv) == 1:
    t = threading.Thread(target=go); t.start(); t.join()
