"""A Flask app with SQLite for the request layer's tests.

flaskapp.py PORT BACKEND_PORT serves on 127.0.0.1:PORT and starts
backend.py on BACKEND_PORT; GET /quit stops both."""
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from flask import Flask, abort, make_response
from werkzeug.serving import make_server

port, backend = int(sys.argv[1]), int(sys.argv[2])
db = os.path.join(tempfile.mkdtemp(), "items.db")
with sqlite3.connect(db) as c:
    c.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    c.executemany("INSERT INTO items VALUES (?, ?)", [(i, "item%d" % i) for i in range(10)])

app = Flask("shop")


@app.route("/items/<int:n>")
def item(n):
    c = sqlite3.connect(db)
    try:
        row = c.execute("SELECT name FROM items WHERE id = %d" % n).fetchone()
    finally:
        c.close()
    return row[0] if row else "none"


@app.route("/boom")
def boom():
    abort(500)


@app.route("/relay")
def relay():
    with urllib.request.urlopen("http://127.0.0.1:%d/stock?x=1" % backend) as r:
        return "relayed " + r.read().decode()


@app.route("/quit")
def quit():
    # The handler threads are daemons: stop only once "bye" is sent, or
    # the process may exit in the middle of it.
    resp = make_response("bye")
    resp.call_on_close(lambda: threading.Thread(target=srv.shutdown).start())
    return resp


child = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "backend.py"), str(backend)])
for _ in range(100):
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/ready" % backend).read()
        break
    except OSError:
        time.sleep(0.1)
srv = make_server("127.0.0.1", port, app, threaded=True)
print("ready", flush=True)
srv.serve_forever()
child.terminate()
child.wait()
