"""The shim's test application. Its output must be the same with and
without the shim: it prints what it can see of its environment, sys.path
and sitecustomize, and exits with status 7. Nothing here knows about
tracing."""
import json
import multiprocessing
import os
import sys
import threading

THREADS = 4
CHECKOUTS = 3
ITEMS = 50


class Declined(Exception):
    pass


class Shop(object):
    def __init__(self, name):
        self.name = name
        self.orders = 0

    def __str__(self):
        return 'Shop<%s>' % self.name

    def price(self, item):
        return 1.0 + (item % 7) * 0.25

    def checkout(self, basket):
        total = 0.0
        for item in range(ITEMS):
            total += self.price(item)
        self.orders += 1
        return total

    @staticmethod
    def tax(amount):
        return amount * 0.2

    @classmethod
    def make(cls, name):
        """Open a shop."""
        return cls(name)


def charge(basket):
    if basket % 4 == 1:
        raise Declined('declined %d' % basket)
    return True


def numbers(n):
    for i in range(n):
        yield i


def inner():
    yield 1
    raise ValueError('inner')


def outer():
    yield (yield from inner())


def delegate():
    try:
        return list(outer())
    except ValueError:
        return 'caught'


def describe(thing):
    """Describe a thing."""
    return str(thing)


def nodoc(thing):
    return thing


def shout(text):
    return text.upper()


def worker(shop, first, counts, lock):
    for basket in range(first, first + CHECKOUTS):
        shop.checkout(basket)
        try:
            charge(basket)
        except Declined:
            with lock:
                counts['declined'] += 1


def forked_work(n):
    return sum(numbers(n))


def run_fork():
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        forked_work(2)
        sys.exit(0)
    _, status = os.waitpid(pid, 0)
    return status


def run_lost_fork():
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        forked_work(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return status


def mp_work(n):
    forked_work(n)


def run_multiprocessing():
    ctx = multiprocessing.get_context('fork')
    p = ctx.Process(target=mp_work, args=(3,))
    p.start()
    p.join()
    return p.exitcode


def main():
    seen = {
        'path': sys.path,
        'env': dict(os.environ),
        'sitecustomize': getattr(sys.modules.get('sitecustomize'), '__file__', None),
        'hpdiag_modules': sorted(m for m in sys.modules if 'hpdiag' in m),
    }
    print(json.dumps(seen, sort_keys=True))
    fork = hasattr(os, 'fork') and 'nofork' not in sys.argv
    if fork:
        print('fork child status %d' % run_fork())
        print('lost fork child status %d' % run_lost_fork())
        print('multiprocessing child exit code %d' % run_multiprocessing())
    shop = Shop.make('corner')
    counts = {'declined': 0}
    lock = threading.Lock()
    threads = [threading.Thread(target=worker, args=(shop, i * 1000, counts, lock))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print('orders %d declined %d' % (shop.orders, counts['declined']))
    print('numbers %r' % list(numbers(3)))
    print('delegate %s' % delegate())
    print('tax %.1f' % Shop.tax(100))
    print(describe('box'), nodoc('bag'), len(shout(u'\u00e9' * 600)))
    sys.stderr.write('this goes to stderr\n')
    return 7


if __name__ == '__main__':
    sys.exit(main())
