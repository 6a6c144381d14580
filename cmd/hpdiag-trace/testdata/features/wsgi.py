"""A WSGI app served by wsgiref, called through http.client: with
coloring.point and wsgi.point the request is an inbound HTTP server request
named by its path and query."""
import http.client
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server


def application(environ, start_response):
    ok = environ.get('HTTP_X_MERCURY_DIAG_HTTP_COLOR', '').startswith('hpdiag1:00-')
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'colored' if ok else b'plain']


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


srv = make_server('127.0.0.1', 0, application, handler_class=QuietHandler)
t = threading.Thread(target=srv.serve_forever)
t.start()
try:
    c = http.client.HTTPConnection('127.0.0.1', srv.server_port)
    c.request('GET', '/w?x=1')
    print(c.getresponse().read().decode())
    c.close()
finally:
    srv.shutdown()
    t.join()
