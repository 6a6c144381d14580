"""A script with main(): --single imports it as module "withmain" and calls main()."""
import sys


def helper(n):
    return n * 3


def main():
    print("name", __name__, "argv", sys.argv[1:], "path0", sys.path[0].endswith("apps"))
    helper(1)
    helper(2)
    return 3


if __name__ == "__main__":
    print("ran as __main__")
    sys.exit(main())
