"""
Time-based one-time passwords (RFC 6238) as authenticator apps make them:
HMAC-SHA-1 over the number of 30-second steps since the Unix epoch, cut to
six digits (RFC 4226's dynamic truncation). A code is accepted one step
either side of now, for clocks that drift and people who type slowly.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# Steps either side of the current one whose codes are accepted.
WINDOW = 1


def new_secret():
    """A fresh 160-bit key, in the base32 apps are given (RFC 4226 §4)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def secret_key(secret):
    """The key bytes of a base32 secret, however it is padded or spaced."""
    secret = "".join(secret.split()).upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def step_at(moment):
    """The number of the time step `moment` (Unix seconds) falls in."""
    return int(moment // STEP_SECONDS)


def code_at(key, step, *, digits=DIGITS, digest="sha1"):
    """The code for time step `step` under the key bytes `key`."""
    mac = hmac.new(key, struct.pack(">Q", step), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def matching_step(secret, code, now=None):
    """
    The time step whose code `code` is, within WINDOW steps of `now`, or
    None. Spaces typed in the code are ignored. A caller accepts the step
    only once (see TOTPDevice.accept), so a code seen over a shoulder or
    caught by a phishing page cannot be used again.
    """
    code = "".join((code or "").split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    key = secret_key(secret)
    current = step_at(time.time() if now is None else now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(code_at(key, step), code):
            return step
    return None


def provisioning_uri(secret, account, issuer):
    """The otpauth:// address a QR code gives an authenticator app."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret):
    """The secret in groups of four, easier to read out and type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
