"""
The one form an email address is stored and compared in, shared by every app
that keeps addresses (newsletter subscriptions, home delivery requests, the
suppression list's keyed hashes).
"""


def normalise_email(email):
    """The address as stored and compared: trimmed, lower case."""
    return (email or "").strip().lower()
