from django.db import models


class LiveState(models.TextChoices):
    """
    Whether an article is live coverage (Article.live_state): a column of
    the article rather than a row of its own, so the reading page, its
    cards and the "anything new" answer know it from the article's row.
    """

    NONE = "", "Not live coverage"
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"
