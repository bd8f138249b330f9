"""
The articles app in the admin, one module per domain: `articles` (the one
ArticleAdmin: list, change form, workflow, revisions, previews, planning;
with `workflow`, `revisions`, `preview` and `planning` holding its longer
parts), `taxonomy` (authors and sections), `images` (the picture
library), `front_page` (its slots and pins), `redirects` (old
addresses, their CSV import and export) and `static_pages` (About us,
Contact, Terms…). Importing them registers their
ModelAdmins.
"""

from . import articles, front_page, images, redirects, static_pages, taxonomy

__all__ = ["articles", "front_page", "images", "redirects", "static_pages", "taxonomy"]
