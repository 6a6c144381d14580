"""The guide's main-script pattern: main() defined inside try/finally.
--single imports it as module "trymain" and calls main() once."""
import sys

try:
    def helper(n):
        return n + 1

    def main():
        print("name", __name__, "helper", helper(1))
        return 0

    if __name__ == '__main__':
        print("ran as __main__")
        main()
finally:
    sys.stdout.write("finally\n")
