"""
The subscriptions app in the admin, one module per domain: `newsletters`
(editors' newsletters and editions) and `delivery` (the circulation desk).
Importing them registers their ModelAdmins.
"""

from . import delivery, newsletters

__all__ = ["delivery", "newsletters"]
