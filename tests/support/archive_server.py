"""A loopback HTTP server for the fetch tests: serves one folder's files with
Range requests (which http.server's own handler lacks), and can break off its
first response, as a dropped connection does.

  python3 archive_server.py FOLDER PORT_FILE LOG_FILE [--cut-first BYTES]

Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, and appends one
line per request to LOG_FILE: the path and the Range header ("-" if none).
"""
import http.server
import os
import sys
import threading

folder, port_file, log_file = sys.argv[1], sys.argv[2], sys.argv[3]
cut_first = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--cut-first" else None
lock = threading.Lock()
state = {"cut": False}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        asked = self.headers.get("Range")
        with lock, open(log_file, "a") as log:
            log.write(f"{self.path} {asked or '-'}\n")
        path = os.path.join(folder, os.path.basename(self.path))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        start = 0
        if asked and asked.startswith("bytes=") and asked.endswith("-"):
            start = int(asked[len("bytes="):-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        with lock:
            cut = cut_first is not None and not state["cut"]
            state["cut"] = state["cut"] or cut
        if cut:
            self.wfile.write(body[:cut_first])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
