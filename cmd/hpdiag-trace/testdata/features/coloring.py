"""An http.server and an http.client in one process, traced with
points/http_coloring.point: the client's requests carry the coloring
headers, the server reads them back, and a call made while serving a
colored request carries that request's trace id."""
import http.client
import http.server
import threading

seen = {}
traces = {}


def get(port, path):
    c = http.client.HTTPConnection('127.0.0.1', port)
    c.request('GET', path)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        tp = self.headers.get('traceparent') or ''
        traces[self.path] = tp.split('-')[1] if tp.count('-') == 3 else None
        if self.path == '/chain':
            get(self.server.server_port, '/leaf')
        else:
            seen['color'] = self.headers.get('X-Mercury-Diag-HTTP-Color')
            seen['traceparent'] = tp
        body = b'ok'
        self.send_response(503 if self.path == '/fail' else 200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    t = threading.Thread(target=srv.serve_forever)
    t.start()
    try:
        for path in ('/a', '/fail'):
            status = get(srv.server_port, path)
            tp = seen.get('traceparent') or ''
            print(path, status, 'color' if (seen.get('color') or '').startswith('hpdiag1:00-') else 'no color',
                  'traceparent' if tp.startswith('00-') and len(tp) == 55 else 'no traceparent')
        get(srv.server_port, '/chain')
        same = traces.get('/chain') is not None and traces.get('/chain') == traces.get('/leaf')
        print('/chain', 'same trace' if same else 'different traces %r' % (traces,))
    finally:
        srv.shutdown()
        t.join()


main()
