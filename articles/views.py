"""
Public reading pages. Every query starts from Article.objects.published()
(or Page.objects.published() for static pages).

Static pages answer at their own addresses (PageView): an address that
no other URL pattern names reaches PageView through the last, catch-all
pattern; one shaped like a section's or an article's reaches it when that
section or article does not exist (OrStaticPage). So a page never hides a
section or an article, and since a page's address is refused inside a
section's (articles.models.pages), none hides a page either. An address
with no page either is answered by the redirects (articles/redirects.py),
which come after pages.
"""

from django.conf import settings
from django.contrib.sitemaps.views import x_robots_tag
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin
from taggit.models import Tag

from newsroom.cache import Fragments, content_version, fragment_seconds
from newsroom.http import cache_for_readers, is_anonymous

from . import front_page, live, search, sitemaps
from .elements import BodyReferences, ReaderBody
from .forms import SearchForm
from .models import (
    Article,
    Author,
    Page,
    Section,
    prefetch_renditions,
)
from .pagination import NewerOlderPaginator
from .parts import ArticleParts
from .search import add_snippets

# Where signed share links of unpublished articles live: never for crawlers.
SHARE_LINK_PREFIX = "/preview/"


class PublicPageMixin:
    """
    A reading page that looks the same to every reader. It sets no cookie
    (no session, CSRF token or message is touched), so for anonymous readers
    it may be cached for a short while by browsers and CDNs.
    """

    # Browsers' lifetime: HTTP_MAX_AGE unless a page says otherwise.
    cache_max_age = None
    # Kept whole for anonymous readers by newsroom.cache.pages.PageCacheMiddleware.
    server_cached = True

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        return cache_for_readers(request, response, self.cache_max_age)

    def fragment_seconds(self, version):
        """
        How long the page's fragments ({% fragment %}) may be kept, 0 for
        not at all (newsroom.cache.fragment_seconds).
        """
        return fragment_seconds(version)

    # The page's {% fragment %} parts, read together in one round trip.
    fragment_names = ()

    def fragment_vary(self):
        """What the page's parts are kept under besides the content version."""
        return ()

    def fragments(self):
        """
        What the page's {% fragment "name" fragments %} tags are kept under
        (newsroom.cache.Fragments): the content version, a lifetime, what
        the parts vary on, and the parts already in the cache, read once a
        request. The template gets it as `fragments` when the page names
        its parts in `fragment_names`.
        """
        if getattr(self, "_fragments", None) is None:
            version = content_version()
            self._fragments = Fragments(
                self.fragment_names,
                version,
                self.fragment_seconds(version),
                self.fragment_vary(),
            )
        return self._fragments

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.fragment_names:
            # The parts rendered are written together as the page is, if
            # the last of them has not written them already.
            response.add_post_render_callback(lambda _: self.fragments().write())
        return response

    def canonical_page_number(self, context):
        page = context.get("page_obj")
        return page.number if page else 1

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.canonical_page_number(context)
        query = f"?page={number}" if number > 1 else ""
        context["canonical_url"] = f"{settings.SITE_URL}{self.request.path}{query}"
        if self.fragment_names:
            context["fragments"] = self.fragments()
        return context


class HomeView(PublicPageMixin, TemplateView):
    """
    The front page as editors arranged it (articles/front_page.py). It is
    arranged only when its fragments are not in the cache.
    """

    template_name = "articles/home.html"
    fragment_names = ("home-preload", "home-body")

    def fragment_seconds(self, version):
        # The latest list says "09:24" today and "Yesterday, 09:24" tomorrow.
        return fragment_seconds(version, today_only=True)

    def get_context_data(self, **kwargs):
        return super().get_context_data(front=front_page.FrontPage(), **kwargs)


class PageView(PublicPageMixin, DetailView):
    """
    One live static page, at its address (`path`, else the request's). Its
    lookup starts from the live pages' addresses kept under the content
    version, so an address that is no page's costs no query (the redirects
    answer it next).
    """

    template_name = "articles/page_detail.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        path = self.kwargs.get("path") or self.request.path_info
        if path not in Page.objects.live_paths():
            raise Http404("No such page")
        return get_object_or_404(Page.objects.published(), path=path)

    def get_context_data(self, **kwargs):
        references = BodyReferences.looked_up(self.object.body)
        prefetch_renditions(references.shown_pictures())
        return super().get_context_data(
            body=ReaderBody(self.object, references), **kwargs
        )


class OrStaticPage:
    """
    A section's or an article's view whose address names none: the static
    page at that address answers instead, if there is one (see the module's
    docstring).
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return PageView.as_view()(request, path=request.path_info)


class LatestArticles:
    """
    The live articles of a list page's subject (`about`, as
    ArticleManager.latest_cards() says), newest first, read a slice at a
    time as the paginator asks for them.
    """

    def __init__(self, about, subject):
        self.about = about
        self.subject = subject

    def __getitem__(self, rows):
        return Article.objects.latest_cards(self.about, self.subject.pk, rows)


class ArticleListMixin(PublicPageMixin, SingleObjectMixin):
    """
    A page about one thing (a section, an author, a tag) that lists its live
    articles, newest first, a page at a time (?page=), up to `max_pages`
    pages (NewerOlderPaginator).
    """

    paginate_by = 20
    max_pages = 50
    paginator_class = NewerOlderPaginator
    subject_queryset = None
    # What the articles are of: "section", "author" or "tag" (LatestArticles).
    about = None
    # The head's pagination links, the lead picture's preload and the list.
    fragment_names = ("list-links", "list-preload", "list-body")
    # Set by get(): whether every part of the list came from the cache, so
    # the page's articles are not fetched at all.
    from_fragments = False

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(
            queryset, per_page, max_pages=self.max_pages, **kwargs
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=self.subject_queryset.all())
        self.from_fragments = self.fragments().all_found()
        return super().get(request, *args, **kwargs)

    def page_number(self):
        """The page asked for, or None if that is not a number."""
        try:
            return int(self.request.GET.get(self.page_kwarg) or 1)
        except ValueError:
            return None

    def fragment_vary(self):
        # The pagination links keep the rest of the query string.
        query = self.request.GET.urlencode()
        return (self.fragment_kind, self.object.pk, self.page_number(), query)

    def fragment_seconds(self, version):
        if self.page_number() is None:  # answered 404 by the paginator
            return 0
        return super().fragment_seconds(version)

    def get_paginate_by(self, queryset):
        return None if self.from_fragments else self.paginate_by

    def get_allow_empty(self):
        # A page kept in the cache had articles when it was rendered; a list
        # that may not be empty (allow_empty) is found empty by reading its
        # page (paginate_queryset), not by a query of its own beforehand.
        return True

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        if not paginated[2] and not self.allow_empty:
            raise Http404("No live articles")
        return paginated

    def get_queryset(self):
        return LatestArticles(self.about, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]  # None when the list comes from the cache
        articles = page.object_list if page else []
        prefetch_renditions(
            [getattr(self.object, "photo", None)]
            + [article.lead_image for article in articles]
        )
        # The first page's newest story leads with its picture (preloaded).
        # The page's articles are fetched once: the list below reuses them.
        if page and page.number == 1 and articles:
            context["lead_image"] = articles[0].lead_picture
        return context

    def canonical_page_number(self, context):
        # Also when the list, and so the page object, comes from the cache.
        return self.page_number()


class SectionDetailView(OrStaticPage, ArticleListMixin, ListView):
    subject_queryset = Section.objects.all()
    template_name = "articles/section_detail.html"
    fragment_kind = "section"
    about = "section"

    def get_object(self, queryset=None):
        # From the section bar's list, which is kept under the content version.
        for section in Section.objects.in_menu():
            if section.slug == self.kwargs["slug"]:
                return section
        raise Http404("No such section")

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section=self.object, **kwargs)


class AuthorDetailView(ArticleListMixin, ListView):
    subject_queryset = Author.objects.select_related("photo")
    template_name = "articles/author_detail.html"
    fragment_kind = "author"
    about = "author"


class TagDetailView(ArticleListMixin, ListView):
    subject_queryset = Tag.objects.all()
    template_name = "articles/tag_detail.html"
    fragment_kind = "tag"
    about = "tag"
    # A tag used only on unpublished articles stays unknown to readers.
    allow_empty = False


class ArticleDetailView(OrStaticPage, PublicPageMixin, DetailView):
    """
    One live article. An old address of the article (a changed slug or
    section) answers a permanent redirect to the current one
    (articles.redirects).

    The parts of the page drawn from more than the article's row (its body
    with bylines, tags and corrections; its JSON-LD; the cards below it) are
    kept as fragments under the content version (newsroom.cache), which
    any change a reader could see replaces, and for no longer than the next
    scheduled change, which happens without a save; only when the cache is
    shared by every process (settings.FRAGMENT_CACHE_SECONDS).
    """

    more_in_section_count = 4
    related_count = 4
    # The article's own row (with its section and lead picture) is kept
    # beside its parts, under its address: a page whose parts are all kept
    # runs no query. It is kept as the database gave it (ArticleManager.
    # page_row_values), plain values that pickle in a tenth of the time the
    # instances a render leaves (the article with its section, pictures,
    # bylines, tags and references) took, and every request builds the
    # article from it the one way (from_page_row).
    fragment_names = (
        "article-row",
        "article-meta",
        "article-preload",
        "article-json-ld",
        "article-body",
        "article-more",
    )

    def fragment_vary(self):
        # The body's offers and share links say the page's own address; a
        # live article's entries come a page at a time.
        return (self.request.path, self.page_number())

    def page_number(self):
        """The page of a live article's entries asked for (?page=), else 1."""
        try:
            return int(self.request.GET.get("page") or 1)
        except ValueError:
            return 1

    def canonical_page_number(self, context):
        # A live article's later pages hold other entries: each is its own.
        return self.page_number() if self.object.live_state else 1

    def page_row(self):
        """The article's page row (ArticleManager.page_row_values), or 404."""
        values = Article.objects.page_row_values(self.kwargs["slug"])
        if values is None:
            raise Http404("No live article at this address")
        return values

    def get(self, request, *args, **kwargs):
        values = self.fragments().get("article-row")
        kept = values is not None
        if not kept:
            # An old address 404s here; RedirectMiddleware answers it.
            values = self.page_row()
        self.object = Article.objects.from_page_row(values)
        if not kept and self.object.section.slug != kwargs["section_slug"]:
            if request.path_info in Page.objects.live_paths():
                # Not an old address of the article: a page's own.
                raise Http404("A static page's address")
            return redirect(self.object, permanent=True)
        parts = self.parts
        if self.fragments().get("article-more") is None:
            # The cards will be drawn: their query goes first, before anything
            # else of the page is built, and the database answers it while
            # the rest is (ArticleParts.send_cards).
            parts.send_cards()
        try:
            if not kept:
                self.fragments().keep("article-row", values)
            context = self.get_context_data(object=self.object)
            return self.render_to_response(context).render()
        finally:
            parts.finish()

    @cached_property
    def parts(self):
        """What the page shows besides the article's row (ArticleParts)."""
        return ArticleParts(
            self.object,
            self.more_in_section_count,
            self.related_count,
            self.page_number(),
        )

    def get_context_data(self, **kwargs):
        article = self.object
        if not self.fragments().all_found():
            # Only the kept parts show its pictures.
            prefetch_renditions([article.lead_image, article.share_image])
        return super().get_context_data(
            current_section=article.section, parts=self.parts, **kwargs
        )


class SearchView(PublicPageMixin, ListView):
    """
    Live articles matching ?q=, filtered by section, kind and dates, best
    match first, each with a highlighted snippet; "Did you mean" when
    nothing matched.
    """

    template_name = "articles/search.html"
    paginate_by = 20
    # One reader's query is rarely another's: not worth keeping.
    server_cached = False

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        if not self.form.is_valid() or not self.form.cleaned_data["q"]:
            return Article.objects.none()
        return self.form.results().for_listing(with_body=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.form.cleaned_data.get("q", "") if self.form.is_valid() else ""
        suggestion = None
        if query:
            add_snippets(context["object_list"], query)
            if not context["paginator"].count:
                suggestion = Article.objects.published().spelling_suggestion(query)
        context.update(
            form=self.form,
            query=query,
            suggestion=suggestion,
            searched=bool(query),
            capped=bool(query) and context["paginator"].count >= search.RANKED_MATCHES,
        )
        return context


@x_robots_tag
def sitemap_index(request):
    """
    sitemap.xml: every page of every sitemap (the news sitemap included), on
    SITE_URL whatever host the request came to.
    """
    entries = sitemaps.index_entries(
        {**sitemaps.SITEMAPS, **sitemaps.NEWS_SITEMAPS}, "articles:sitemap-section"
    )
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )


def robots_txt(request):
    """Crawlers are kept out of the admin, search results and share links."""
    return TemplateResponse(
        request,
        "robots.txt",
        {
            "sitemaps": [
                settings.SITE_URL + reverse("articles:sitemap"),
                settings.SITE_URL + reverse("articles:sitemap-news"),
            ],
            "disallowed": [
                reverse("admin:index"),
                reverse("articles:search"),
                SHARE_LINK_PREFIX,
            ],
        },
        content_type="text/plain; charset=utf-8",
    )


class LiveUpdatesView(PublicPageMixin, View):
    """
    "Anything new?" for a live article's open page: JSON saying how many
    entries came after the entry `?since=` (an id), the newest entry's id,
    whether the coverage has ended, and the new entries rendered for
    inserting at the top. The same for every reader who asks with the same
    `since`, so it is kept like a page (the page cache under the content
    version, which any post drops) and by the edge for one second: however
    many readers poll, the origin answers about once a second.
    """

    cache_max_age = 1

    def get(self, request, pk):
        article = get_object_or_404(
            Article.objects.published().exclude(live_state="").only("live_state"),
            pk=pk,
        )
        try:
            since = int(request.GET.get("since") or 0)
        except ValueError:
            since = 0
        ended = article.live_state == Article.LiveState.ENDED
        new = [] if ended else live.newer_entries(article, since)
        latest = new[0].pk if new else since
        return JsonResponse(
            {
                "count": len(new),
                "latest": latest,
                "ended": ended,
                "html": live.entries_html(new) if new else "",
            }
        )

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if is_anonymous(request):
            # A CDN keeps it a second, not minutes, and no shared cache serves
            # it stale longer than one, whatever CDN_STALE_SECONDS says.
            patch_cache_control(response, s_maxage=1, stale_while_revalidate=1)
        return response
