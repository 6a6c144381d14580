"""HTTPS both ways in one process: tlsapp.py CERT KEY PORT serves HTTPS on
127.0.0.1:PORT in a thread and calls it 3 times with urllib."""
import http.server
import ssl
import sys
import threading
import urllib.request

cert, key, port = sys.argv[1], sys.argv[2], int(sys.argv[3])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"secret " + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
threading.Thread(target=srv.serve_forever, daemon=True).start()

client = ssl.create_default_context()
client.check_hostname = False
client.verify_mode = ssl.CERT_NONE
for i in range(3):
    with urllib.request.urlopen("https://127.0.0.1:%d/secure/%d" % (port, i), context=client) as r:
        assert r.read() == b"secret /secure/%d" % i
srv.shutdown()
