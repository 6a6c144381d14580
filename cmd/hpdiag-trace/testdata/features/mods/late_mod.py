def work(n):
    return n * 100
