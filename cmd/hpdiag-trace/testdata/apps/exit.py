"""Exits with the code given as the first argument after one traced call."""
import sys


def finish(code):
    return code


sys.exit(finish(int(sys.argv[1])))
