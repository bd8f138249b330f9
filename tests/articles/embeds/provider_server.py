"""
A real HTTPS server on 127.0.0.1 that plays an oEmbed provider in tests: a
ThreadingHTTPServer in a thread, with a throwaway certificate for
127.0.0.1. Each test sets what its paths answer (`server.answers`).
"""

import io
import json
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image as PillowImage


def certificate(folder):
    """A self-signed certificate valid for the address 127.0.0.1."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-days", "2", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def jpeg_bytes(width=640, height=360):
    output = io.BytesIO()
    PillowImage.new("RGB", (width, height), (200, 40, 40)).save(output, "JPEG")
    return output.getvalue()


class Answer:
    """What one path answers: a status, headers and a body (or a stream)."""

    def __init__(self, status=200, body=b"", headers=None, stream_bytes=0):
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.headers = headers or {}
        self.stream_bytes = stream_bytes


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        self.server.requests.append(self.path)
        answer = self.server.answers.get(path, Answer(404))
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if not answer.stream_bytes:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        try:
            if answer.stream_bytes:
                # No Content-Length: the client must cut it off itself.
                chunk = b"\xff" * 65536
                for _ in range(answer.stream_bytes // len(chunk)):
                    self.wfile.write(chunk)
            else:
                self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def log_message(self, *args):
        pass


class ProviderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, cert, key):
        super().__init__(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.answers = {}
        self.requests = []

    @property
    def origin(self):
        return f"https://127.0.0.1:{self.server_address[1]}"

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()
