"""A small Flask app for the request benchmark: a page that renders a
template and queries sqlite, like a typical view. Port from argv[1]."""
import os
import sqlite3
import sys

from flask import Flask, render_template_string

import fibtimed

app = Flask(__name__)
PAGE = "<ul>{% for n, v in rows %}<li>{{ n }}: {{ v }}</li>{% endfor %}</ul>"


def database():
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("create table items (name text, value int)")
    db.executemany("insert into items values (?, ?)", [("item%d" % i, i) for i in range(20)])
    return db


DB = database()


def load_items(limit):
    return DB.execute("select name, value from items order by value limit ?", (limit,)).fetchall()


@app.route("/items/<int:n>")
def items(n):
    return render_template_string(PAGE, rows=load_items(n))


if __name__ == "__main__":
    fibtimed.hook()
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=False)
