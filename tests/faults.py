"""
Faults that tests (and benchmarks) start and stop themselves: a server that
accepts connections and never answers, and a port where nothing listens.
"""

import socket
import threading

from tests.servers import free_port


class HangingListener:
    """
    A TCP listener on 127.0.0.1 that accepts every connection, reads what is
    sent and never answers, like a Redis whose process has stopped responding.
    `received` counts the chunks of data it has been sent.
    """

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.received = 0
        self.connections = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=2)
        for connection in self.connections:
            connection.close()
        self.server.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                pass
            else:
                connection.setblocking(False)
                self.connections.append(connection)
            for connection in list(self.connections):
                try:
                    if connection.recv(65536):
                        with self._lock:
                            self.received += 1
                except (BlockingIOError, OSError):
                    pass


def closed_port():
    """A local port where nothing listens (connections are refused at once)."""
    return free_port()
