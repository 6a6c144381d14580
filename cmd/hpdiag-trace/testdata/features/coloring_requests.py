"""As coloring.py, with the client calls made through requests (and so
urllib3): both add the coloring headers."""
import http.server
import threading

import requests

seen = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen['color'] = self.headers.get('X-Mercury-Diag-HTTP-Color')
        seen['traceparent'] = self.headers.get('traceparent')
        body = b'ok'
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(('127.0.0.1', 0), Handler)
t = threading.Thread(target=srv.serve_forever)
t.start()
try:
    with requests.Session() as s:
        r = s.get('http://127.0.0.1:%d/r' % srv.server_port, headers={'X-App': '1'})
    tp = seen.get('traceparent') or ''
    print('/r', r.status_code, 'color' if (seen.get('color') or '').startswith('hpdiag1:00-') else 'no color',
          'traceparent' if tp.startswith('00-') and len(tp) == 55 else 'no traceparent')
finally:
    srv.shutdown()
    t.join()
