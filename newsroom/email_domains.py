"""
Which email addresses the paper will mail: only those at a public domain,
and, where a real reader is wanted (newsletter sign-up), not at a
disposable-mail service.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError

# Top-level names that never reach the public internet (RFC 2606, RFC 6761,
# RFC 6762, RFC 7686, RFC 8375 and common private ones).
PRIVATE_TOP_LEVEL = {
    "arpa",
    "corp",
    "example",
    "home",
    "internal",
    "intranet",
    "invalid",
    "lan",
    "local",
    "localdomain",
    "localhost",
    "onion",
    "private",
    "test",
}


def email_domain(email):
    return (email or "").rpartition("@")[2].strip().rstrip(".").lower()


def validate_public_email_domain(email):
    """Refuse addresses at localhost, an IP address or any non-public name."""
    domain = email_domain(email)
    labels = domain.split(".")
    public = (
        domain
        and not domain.startswith("[")
        and len(labels) >= 2
        and all(labels)
        and labels[-1] not in PRIVATE_TOP_LEVEL
        and not labels[-1].isdigit()
    )
    if public:
        try:
            ipaddress.ip_address(domain)
            public = False
        except ValueError:
            pass
    if not public:
        raise ValidationError(
            "Enter an address at a public email domain, such as name@example.ie.",
            code="private_domain",
        )


def validate_not_disposable(email):
    """Refuse addresses at a domain in DISPOSABLE_EMAIL_DOMAINS (or under one)."""
    domain = email_domain(email)
    for blocked in settings.DISPOSABLE_EMAIL_DOMAINS:
        blocked = blocked.strip().lower()
        if blocked and (domain == blocked or domain.endswith("." + blocked)):
            raise ValidationError(
                "Addresses at %(domain)s are not accepted: it is a disposable "
                "mail service. Please use an address you will keep.",
                code="disposable",
                params={"domain": blocked},
            )
