def work(n):
    return n * 10
