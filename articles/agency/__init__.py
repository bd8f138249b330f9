"""
Agency copy: stories from a news agency's feed taken in as drafts
(`manage.py import_feed`, docs/agency-feeds.md).

- `read_feed(data)`: the stories in a feed, whatever its format (RSS 2.0,
  Atom 1.0 or IPTC's ninjs 2.x JSON, told apart by its content); raises
  `FeedError` with one line saying why when it is none of them or broken.
- `take_in(feed, section, name)`: each story becomes a draft in `section`,
  credited to the agency `name` (an Author, made once), with its first
  picture as the lead (credited to the photographer and the agency); its
  ID at the agency is kept (ImportRecord, source "agency:<name>", kind
  "story"; pictures as kind "picture", fetched once). Run again, a story
  changed at the agency updates its draft while nobody has edited it here;
  one that someone has edited, has moved on (review, published) or deleted
  is left alone; nothing is ever made twice.

The agency's HTML is untrusted: the body goes through the body's sanitizer
(Article.save), the headline and standfirst become plain text. The formats
are read in `reading`, the drafts written in `taking_in`.
"""

from .reading import Feed, FeedError, Picture, Story, read_feed
from .taking_in import Outcome, take_in

__all__ = ["Feed", "FeedError", "Outcome", "Picture", "Story", "read_feed", "take_in"]
