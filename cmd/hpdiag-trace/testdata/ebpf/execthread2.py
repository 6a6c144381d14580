import time
def work(n):
    return n
time.sleep(0.5)
for i in range(10):
    work(i)
print("done")
