"""
The subscriptions app in the admin, one module per domain: `newsletters`
(editors' newsletters and editions), `delivery` (the circulation desk) and
`personal_data` (readers' data rights: export, erasure and their record).
Importing them registers their ModelAdmins.
"""

from . import delivery, newsletters, personal_data

__all__ = ["delivery", "newsletters", "personal_data"]
