"""A long-running app for --pid tests: it runs rounds of shop checkouts
when told to on stdin, so a test knows exactly what ran while it traced.

    go N    run N baskets (checkout + charge_card), answer "done SECONDS"
    exit    exit 0
"""
import sys
import time

sys.path.insert(0, sys.argv[1])  # the directory of examples/shop
del sys.argv[1:]
import shop  # noqa: E402


def run(n, s):
    start = time.perf_counter()
    for basket in range(n):
        s.checkout(basket)
        try:
            shop.charge_card(basket)
        except shop.PaymentError:
            pass
    return time.perf_counter() - start


def main():
    s = shop.Shop("rounds")
    run(200, s)  # warm up: specialized call sites before any tracer attaches
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["go"]:
            print("done %.6f" % run(int(words[1]), s), flush=True)
        elif words[:1] == ["exit"]:
            return


if __name__ == "__main__":
    main()
