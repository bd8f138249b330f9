"""
The newsroom's workflow: who may do what to an article or a static page,
and the steps each takes from draft to live.

States: draft → in review (submitted) → published (live now, or scheduled
when its publication time is to come); a piece in review may be sent back to
draft with a comment; a published piece may be unpublished (back to draft).

Permissions (handed out by the roles of articles/roles.py):
- `change_article` on one's own articles: those one created or whose byline
  names the Author linked to one's account (`owns`); `edit_any_article` on
  everyone's. Without `publish_article`, an article that is published or
  scheduled is no longer one's to change.
- `publish_article`: publish and schedule (approve from review), change the
  publication time, withdraw a scheduled piece.
- `unpublish_article`: take a live article off the site.

Static pages take the same steps with the same `publish_article` and
`unpublish_article` permissions, their own `change_page` and `delete_page`,
and "their own" meaning those they created; every page is everyone's with
`edit_any_article`. Their steps are kept in the admin's history, not as
ArticleTransitions, and their publish checks are those that apply to a page.

Every step that goes live runs the publish checks (articles/checks.py) and
refuses a publication time that has passed unless the editor chose to
publish now. Each step is recorded as an ArticleTransition (who, when, from,
to, comment) and as a revision (articles.revisions). The admin's change
form (`form_problems`, `record_step`) and list actions (`submit`, `publish`,
`send_back`, `unpublish`) call these functions; they hold no rules of their
own.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from newsroom import formats

from . import checks, revisions
from .models import Article, ArticleAuthor, ArticleTransition, Page

CHANGE = "articles.change_article"
PUBLISH = "articles.publish_article"
UNPUBLISH = "articles.unpublish_article"
EDIT_ANY = "articles.edit_any_article"

Status = Article.Status

# A time typed in the current minute is not "in the past".
PAST_TIME_GRACE = timedelta(minutes=1)


class WorkflowError(Exception):
    """A step refused; the message says why and what to do."""


def permission(obj, action):
    """The model permission `action` ("change", "delete") on `obj`'s model."""
    return f"{obj._meta.app_label}.{action}_{obj._meta.model_name}"


def noun(obj):
    """What `obj` is called in messages: "article", "page"."""
    return "page" if isinstance(obj, Page) else "article"


def owns(user, article):
    """
    Whether `article` (or a page) is `user`'s own: they created it or are in
    its byline.
    """
    if article.pk is None or article.created_by_id == user.pk:
        return True
    if not isinstance(article, Article):
        return False
    cache = article.__dict__.setdefault("_owned_by", {})
    if user.pk not in cache:
        cache[user.pk] = ArticleAuthor.objects.filter(
            article=article.pk, author__user=user.pk
        ).exists()
    return cache[user.pk]


def visible_to(user, articles):
    """
    The articles of `articles` that `user` may see in the admin: those who
    write but may not edit everyone's articles see their own only.
    """
    if user.has_perm(EDIT_ANY) or not user.has_perm(CHANGE):
        return articles
    return articles.owned_by(user)


def can_edit(user, article):
    """Whether `user` may change `article` (or a page) as it is stored."""
    if not user.has_perm(permission(article, "change")):
        return False
    if user.has_perm(EDIT_ANY):
        return True
    if not owns(user, article):
        return False
    return article.status != Status.PUBLISHED or user.has_perm(PUBLISH)


def can_delete(user, article):
    """Whether `user` may delete `article`: as editing it, and a live one
    only with the right to take it off the site."""
    if not user.has_perm(permission(article, "delete")) or not can_edit(user, article):
        return False
    if article.is_published():
        return user.has_perm(UNPUBLISH)
    return True


def can_publish(user, article):
    return user.has_perm(PUBLISH) and can_edit(user, article)


def can_unpublish(user, article):
    if not can_edit(user, article):
        return False
    if article.is_published():
        return user.has_perm(UNPUBLISH)
    return user.has_perm(PUBLISH)


def _seconds(moment):
    return moment.replace(microsecond=0) if moment else None


def _when(moment):
    day = formats.with_zone(moment, "short_weekday_day")
    return f"{formats.written(moment, 'time')} on {day}"


def form_problems(user, before, article, *, publish_now=False, moment=None):
    """
    Why `user` may not save `article` with the status and publication time
    it now has, when it was stored as `before` ((status, published_at), or
    None for a new article); as a list of (field, message), empty when they
    may. With `publish_now`, the article is set to go live now (a time that
    has passed is replaced) before it is checked. The publish checks, which
    need the byline, are run by the caller (`going_live`, `publish_problems`).
    """
    moment = moment or timezone.now()
    what = noun(article)
    before_status, before_at = before or ("", None)
    if publish_now:
        article.status = Status.PUBLISHED
        if _seconds(before_at) != _seconds(article.published_at):
            article.published_at = None  # a time typed beside "now" gives way
        article.published_at = article.publish_time(moment)
    found = []
    time_changed = _seconds(before_at) != _seconds(article.published_at)
    publisher = user.has_perm(PUBLISH)
    if article.status == Status.PUBLISHED and (
        before_status != Status.PUBLISHED or time_changed
    ):
        if not publisher:
            found.append(
                (
                    "status",
                    f"You may not publish or schedule {what}s: choose “In review” "
                    "to send this one to an editor.",
                )
            )
        elif (
            time_changed
            and article.published_at is not None
            and article.published_at < moment - PAST_TIME_GRACE
        ):
            found.append(
                (
                    "published_at",
                    f"{_when(article.published_at)} has passed: give a time to "
                    f"come to schedule the {what}, or tick “Publish now”.",
                )
            )
    elif time_changed and not publisher:
        found.append(
            (
                "published_at",
                "Only an editor sets the publication time: leave it as it was.",
            )
        )
    if before_status == Status.PUBLISHED and article.status != Status.PUBLISHED:
        live = before_at is not None and before_at <= moment
        if live and not user.has_perm(UNPUBLISH):
            found.append(
                (
                    "status",
                    f"Only an editor may take a live {what} off the site.",
                )
            )
        elif not live and not publisher:
            found.append(("status", f"You may not withdraw a scheduled {what}."))
    return found


def going_live(before, article):
    """Whether saving `article` (stored as `before`) makes it live or
    scheduled, so the publish checks apply."""
    before_status, before_at = before or ("", None)
    return article.status == Status.PUBLISHED and (
        before_status != Status.PUBLISHED
        or _seconds(before_at) != _seconds(article.published_at)
    )


def publish_problems(article, byline_count=None, moment=None):
    """The publish checks of `article` (its stored byline unless a count is
    given), or of a page; see articles/checks.py."""
    if isinstance(article, Page):
        return checks.page_problems(article, moment)
    if byline_count is None:
        byline_count = article.bylines.count()
    return checks.problems(article, byline_count, moment)


def record_step(article, user, from_status, comment="", revision=True, via=""):
    """
    Record that `user` moved `article` from `from_status` to its current
    status (a no-op when the status and time did not change): the
    transition, and a revision unless the caller records one itself.
    Returns the transition, or None for a page (the admin's history keeps
    its steps).
    """
    if not isinstance(article, Article):
        return None
    transition = ArticleTransition(
        article=article,
        created_by=user if user is not None and user.is_authenticated else None,
        from_status=from_status or "",
        to_status=article.status,
        published_at=article.published_at
        if article.status == Status.PUBLISHED
        else None,
        comment=comment,
    )
    transition.save()
    if revision:
        revisions.record(article, user, transition.describe() + via)
    return transition


def latest_send_back(article):
    """The comment that sent `article` back to draft, if that was its last step."""
    last = article.transitions.select_related("created_by").first()
    return last if last is not None and last.is_send_back else None


# The steps, for list actions and review buttons. Each refuses with a
# WorkflowError saying why, changing nothing.


@transaction.atomic
def submit(article, user, comment="", via=""):
    """Draft → in review."""
    article = _locked(article)
    if not can_edit(user, article):
        raise WorkflowError(f"You may not change this {noun(article)}.")
    if article.status != Status.DRAFT:
        raise WorkflowError(
            f"Only drafts are submitted for review; this one is "
            f"{article.state_label().lower()}."
        )
    article.status = Status.REVIEW
    article.save()
    return record_step(article, user, Status.DRAFT, comment, via=via)


@transaction.atomic
def publish(article, user, comment="", at=None, via=""):
    """
    Draft or in review → live now (`at` None) or scheduled for `at`. An
    article that was live before keeps its original time when published now.
    """
    article = _locked(article)
    if not can_publish(user, article):
        raise WorkflowError(f"You may not publish this {noun(article)}.")
    moment = timezone.now()
    before = article.status
    if before == Status.PUBLISHED and at is None and article.is_published():
        raise WorkflowError("It is live already.")
    if at is not None:
        if at < moment - PAST_TIME_GRACE:
            raise WorkflowError(
                f"{_when(at)} has passed: give a time to come, or publish now."
            )
        article.published_at = at
    else:
        article.published_at = article.publish_time(moment)
    article.status = Status.PUBLISHED
    found = publish_problems(article, moment=moment)
    if found:
        raise WorkflowError(" ".join(found))
    article.save()
    return record_step(article, user, before, comment, via=via)


@transaction.atomic
def send_back(article, user, comment, via=""):
    """In review → draft, with a comment for the writer (required)."""
    article = _locked(article)
    if not comment.strip():
        raise WorkflowError("Say what to change: a comment goes back with the draft.")
    if not (user.has_perm(PUBLISH) and can_edit(user, article)):
        raise WorkflowError("Only an editor sends a piece back.")
    if article.status != Status.REVIEW:
        raise WorkflowError("Only pieces in review are sent back.")
    article.status = Status.DRAFT
    article.save()
    return record_step(article, user, Status.REVIEW, comment, via=via)


@transaction.atomic
def unpublish(article, user, comment="", via=""):
    """Live or scheduled → draft; the publication time is kept."""
    article = _locked(article)
    if article.status != Status.PUBLISHED:
        raise WorkflowError("It is not published.")
    if not can_unpublish(user, article):
        raise WorkflowError(
            f"Only an editor may take a live {noun(article)} off the site."
            if article.is_published()
            else f"You may not withdraw this {noun(article)}."
        )
    article.unpublish()
    return record_step(article, user, Status.PUBLISHED, comment, via=via)


def _locked(article):
    rows = type(article).objects.select_for_update(of=("self",))
    if isinstance(article, Article):
        rows = rows.select_related("lead_image", "section")
    return rows.get(pk=article.pk)
