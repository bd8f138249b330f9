"""Mail failures described for logs, without the addresses they name."""

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
