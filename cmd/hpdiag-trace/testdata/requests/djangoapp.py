"""A one-file Django app on PostgreSQL through psycopg2.

djangoapp.py PORT PGHOST PGPORT serves on 127.0.0.1:PORT; GET /quit stops it."""
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.urls import path

port, pghost, pgport = int(sys.argv[1]), sys.argv[2], sys.argv[3]
settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="test",
    DATABASES={"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres", "USER": "postgres", "HOST": pghost, "PORT": pgport,
    }},
)
django.setup()


def item(request, n):
    with connection.cursor() as c:
        c.execute("SELECT name FROM items WHERE id = %s", [n])
        row = c.fetchone()
    return HttpResponse(row[0] if row else "none")


def count(request):
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM items")
        return HttpResponse(str(c.fetchone()[0]))


def quit(request):
    threading.Thread(target=srv.shutdown).start()
    return HttpResponse("bye")


urlpatterns = [path("items/<int:n>", item), path("count", count), path("quit", quit)]

with connection.cursor() as c:
    c.execute("DROP TABLE IF EXISTS items")
    c.execute("CREATE TABLE items (id integer PRIMARY KEY, name text)")
    for i in range(10):
        c.execute("INSERT INTO items VALUES (%s, %s)", [i, "item%d" % i])
connection.close()


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


from django.core.wsgi import get_wsgi_application  # noqa: E402

srv = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=Quiet)
print("ready", flush=True)
srv.serve_forever()
