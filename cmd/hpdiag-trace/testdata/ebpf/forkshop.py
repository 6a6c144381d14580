"""The shop of examples/shop (its directory is the argument), run in two forked children and then in the
parent: a traced app's children must be traced too."""
import os
import sys

sys.path.insert(0, sys.argv[1])
sys.argv[1:] = ["6"]  # checkouts per thread, as shop.py reads them
import shop  # noqa: E402


def main():
    children = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            shop.main()
            os._exit(0)
        children.append(pid)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        if status != 0:
            sys.exit("child %d failed: %d" % (pid, status))
    shop.main()


if __name__ == "__main__":
    main()
