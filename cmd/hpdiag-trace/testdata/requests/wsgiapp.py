"""A plain WSGI app for gunicorn: /work/<n> answers with the worker's pid
after a short wait, so that concurrent requests spread over the workers;
/master answers with the master's pid."""
import os
import time


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/master":
        body = str(os.getppid())
    else:
        time.sleep(0.05)
        body = str(os.getpid())
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body.encode()]
