"""http.server with sqlite3 for attaching to a running process:
serve.py PORT; every GET /n/<k> runs one SELECT."""
import http.server
import sqlite3
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        db = sqlite3.connect(":memory:")
        body = str(db.execute("SELECT 40 + 2").fetchone()[0]).encode()
        db.close()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
