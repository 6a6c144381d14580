"""Makes N matched calls, says so, and exits."""
import sys


def step(i):
    return i


def main():
    for i in range(int(sys.argv[1])):
        step(i)
    sys.stdout.write('recorded\n')
    sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main())
