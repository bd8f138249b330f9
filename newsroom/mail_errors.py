"""
Mail failures: described for logs without the addresses they name, and
sorted into permanent refusals and temporary ones.
"""

import smtplib


def describe_mail_error(exc):
    """
    What went wrong in sending, for a log line: the kind of failure and the
    server's codes, never an address (SMTPRecipientsRefused holds them all).
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return f"recipients refused ({', '.join(map(str, codes))})"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"sender refused ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.__class__.__name__} ({exc.smtp_code})"
    return exc.__class__.__name__


def is_permanent(exc):
    """
    A refusal that trying again will not cure: the server refused the
    recipient or the message itself with a 5xx reply, or the message cannot
    be built. Everything else (a 4xx reply, a server that cannot be reached,
    drops the connection or times out) is temporary.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    # Django raises ValueError for a message it cannot encode (a bad address,
    # a line break in a header): the same message fails the same way again.
    return isinstance(exc, ValueError)


def is_unreachable(exc):
    """
    The mail server could not be talked to at all (refused, timed out, hung
    up, or said it is shutting down): every other message would fail the same
    way now, so a batch stops at the first one.
    """
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
