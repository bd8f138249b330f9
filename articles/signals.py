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

# Sent by an article page that will render the article's body (not kept),
# before it sends the statement of the cards below (ArticleParts.send_cards),
# with the `article`: a receiver reads now, kept under the content version,
# what its template tags in the body will show (the newsletter offer's
# newsletters). Read later, it would wait behind the cards' statement, which
# psycopg answers first, for as long as the database takes to plan it.
article_body_rendering = Signal()
