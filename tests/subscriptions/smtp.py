"""A real SMTP server on 127.0.0.1 for tests, built on aiosmtpd."""

import asyncio
import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.servers import free_port


class RecordingHandler:
    """
    Accepts every message and keeps it, parsed. Addresses in `refuse_once`
    get a temporary failure (451) the first time they are offered, those in
    `refuse_times` the first so many times; `delay` seconds pass before each
    message is accepted, like a busy server.
    """

    def __init__(self, refuse_once=(), delay=0, refuse_times=None):
        self.delay = delay
        self.messages = []
        self.raw = []  # the bytes of each message, exactly as received
        self.refuse_once = set(refuse_once)
        self.refuse_times = dict(refuse_times or {})
        self.refused = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.refuse_times.get(address, 0) > 0:
                self.refuse_times[address] -= 1
                self.refused.append(address)
                return "451 4.7.1 Greylisted, try again later"
            if address in self.refuse_once:
                self.refuse_once.discard(address)
                self.refused.append(address)
                return "451 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(
            envelope.original_content, policy=email.policy.default
        )
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
            self.raw.append(envelope.original_content)
        return "250 Message accepted for delivery"

    def recipients(self):
        with self.lock:
            return [rcpt for rcpts, _ in self.messages for rcpt in rcpts]


class SMTPSink:
    """The server, started and stopped as a context manager (on `port`, if given)."""

    def __init__(self, refuse_once=(), delay=0, refuse_times=None, port=None):
        self.handler = RecordingHandler(refuse_once, delay, refuse_times)
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages

    def mailers_setting(self):
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }
