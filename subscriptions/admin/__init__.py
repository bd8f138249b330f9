"""
The subscriptions app in the admin, one module per domain: `newsletters`
(editors' newsletters and editions), `delivery` (the circulation desk) and
`outbound` (the outbox of transactional mail) and `personal_data` (readers'
data rights: export, erasure and their record). Importing them registers
their ModelAdmins.
"""

from . import delivery, newsletters, outbound, personal_data

__all__ = ["delivery", "newsletters", "outbound", "personal_data"]
