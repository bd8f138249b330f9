"""
The subscriptions app in the admin, one module per domain: `newsletters`
(editors' newsletters and editions), `delivery` (the circulation desk) and
`outbound` (the outbox of transactional mail).
Importing them registers their ModelAdmins.
"""

from . import delivery, newsletters, outbound

__all__ = ["delivery", "newsletters", "outbound"]
