"""A small Flask shop for the mediator test: GET /items/<id> reads SQLite,
GET /quit stops the server. Usage: app.py PORT."""
import os
import signal
import sqlite3
import sys
import threading

from flask import Flask, jsonify

app = Flask(__name__)
db = sqlite3.connect(":memory:", check_same_thread=False)
db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
db.executemany("INSERT INTO items VALUES (?, ?)", [(i, "item %d" % i) for i in range(100)])
lock = threading.Lock()


def query(sql, *args):
    with lock:
        return db.execute(sql, args).fetchall()


@app.route("/items/<int:item_id>")
def item(item_id):
    rows = query("SELECT name FROM items WHERE id = ?", item_id)
    return jsonify(id=item_id, name=rows[0][0] if rows else None)


@app.route("/quit")
def quit():
    threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    return "bye\n"


if __name__ == "__main__":
    try:
        app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
    except KeyboardInterrupt:
        pass
