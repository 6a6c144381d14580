"""Runs matched calls for a while, then calls a function not seen before;
the tracer goes away meanwhile."""
import sys
import time


def step(i):
    return i * 2


def late():
    return 'late'


def main():
    total = 0
    end = time.monotonic() + float(sys.argv[1])
    i = 0
    while time.monotonic() < end:
        total += step(i)
        i += 1
    print('done', i > 0, late())
    return 0


if __name__ == '__main__':
    sys.exit(main())
