"""
Signals `articles` sends for other apps to act on, so that it never imports
them.
"""

from django.dispatch import Signal

# Sent by `manage.py load_demo` once the demo paper's articles are in, so that
# other apps add their own demo content (newsletters, delivery areas, …).
# Receivers return a short count for the command's summary, such as
# "2 newsletters", or None.
demo_paper_loading = Signal()
