"""An http.server and an http.client in one process, traced with
points/http_coloring.point: the client's requests carry the coloring
headers, the server reads them back."""
import http.client
import http.server
import threading

seen = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen['color'] = self.headers.get('X-Mercury-Diag-HTTP-Color')
        seen['traceparent'] = self.headers.get('traceparent')
        body = b'ok'
        self.send_response(503 if self.path == '/fail' else 200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    srv = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    t = threading.Thread(target=srv.serve_forever)
    t.start()
    try:
        for path in ('/a', '/fail'):
            c = http.client.HTTPConnection('127.0.0.1', srv.server_port)
            c.request('GET', path)
            r = c.getresponse()
            r.read()
            c.close()
            tp = seen.get('traceparent') or ''
            print(path, r.status, 'color' if (seen.get('color') or '').startswith('hpdiag1:00-') else 'no color',
                  'traceparent' if tp.startswith('00-') and len(tp) == 55 else 'no traceparent')
    finally:
        srv.shutdown()
        t.join()


main()
