"""
What an article's card reads of the article's row and of its lead picture's
(CARD_FIELDS): the reading pages' lists read only these columns
(ArticleQuerySet.for_listing), and a body's "Read more" cards as much of the
articles they offer (body.LISTED_TARGET, body.LISTED_LEAD_IMAGE). A module
of its own, which imports none of its siblings, so both can read it.
"""

# What an article's card (Article.CARD_SHOWS) reads of the article and its
# picture (Image.lead_picture, includes/picture.html,
# Image.rendition_signature): the body, the desk's and SEO columns, and the
# picture's caption, credit, licence and rendition bookkeeping stay in the
# database, and so does its rendition index, a list of every rendition that
# its stored sources (picture_sources) make needless to decode for each card.
# The section comes from the site frame (WithFrameSections).
CARD_FIELDS = [
    "title",
    "slug",
    "standfirst",
    "kind",
    "live_state",
    "published_at",
    "section",
    "lead_image",
    "lead_image__file",
    "lead_image__alt_text",
    "lead_image__rights_expire_on",
    "lead_image__width",
    "lead_image__height",
    "lead_image__picture_sources",
]

# The one relation whose columns a card reads beyond its foreign key.
CARD_PICTURE = "lead_image"


def card_fields(relation=None):
    """
    The names of the fields of CARD_FIELDS of the article itself (by
    default) or of its `relation` (CARD_PICTURE), in CARD_FIELDS' order.
    Refuses a field of any other relation, which no list of a card's
    columns built from these would hold.
    """
    own, related = [], {}
    for path in CARD_FIELDS:
        head, _, name = path.partition("__")
        if not name:
            own.append(head)
        elif head == CARD_PICTURE and "__" not in name:
            related.setdefault(head, []).append(name)
        else:
            raise ValueError(f"A card reads {path}: only its picture's are listed")
    return own if relation is None else related.get(relation, [])
