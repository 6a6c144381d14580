"""A small shop: the bundled example app of hpdiag-trace.

Four worker threads each run checkouts. A checkout prices 50 items, stores the
order (slowly, now and then) and sometimes hits a payment error that the
worker catches. Nothing in this file knows about tracing.
"""
import sys
import threading
import time

THREADS = 4
CHECKOUTS_PER_THREAD = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ITEMS = 50


class PaymentError(Exception):
    pass


class Shop:
    def __init__(self, name):
        self.name = name
        self.orders = 0

    def price(self, item):
        return 1.0 + (item % 7) * 0.25

    def checkout(self, basket):
        total = 0.0
        for item in range(ITEMS):
            total += self.price(item)
        self.store_order(basket, total)
        return total

    def store_order(self, basket, total):
        # Every third basket lands on a slow disk.
        if basket % 3 == 0:
            time.sleep(0.06)
        self.orders += 1


def charge_card(basket):
    if basket % 4 == 1:
        raise PaymentError("card declined for basket %d" % basket)
    return True


def worker(shop, first_basket, counts):
    for basket in range(first_basket, first_basket + CHECKOUTS_PER_THREAD):
        shop.checkout(basket)
        try:
            charge_card(basket)
        except PaymentError:
            counts["declined"] += 1


def main():
    shop = Shop("corner shop")
    counts = {"declined": 0}
    threads = [
        threading.Thread(target=worker, args=(shop, i * 1000, counts))
        for i in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("orders: %d, declined: %d" % (shop.orders, counts["declined"]))


if __name__ == "__main__":
    main()
