"""The second Flask app flaskapp.py calls: backend.py PORT."""
import sys

from flask import Flask
from werkzeug.serving import make_server

app = Flask("backend")


@app.route("/stock")
def stock():
    return "42"


@app.route("/ready")
def ready():
    return "yes"


make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
