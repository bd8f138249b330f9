"""Public reading pages. Every query starts from Article.objects.published()."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from taggit.models import Tag

from newsroom.http import cache_for_readers

from .models import Article, Author, Section, prefetch_renditions


class PublicPageMixin:
    """
    A reading page that looks the same to every reader. It sets no cookie
    (no session, CSRF token or message is touched), so for anonymous readers
    it may be cached for a short while by browsers and CDNs.
    """

    cache_max_age = 60
    # Kept whole for anonymous readers by newsroom.cache.PageCacheMiddleware.
    server_cached = True

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        return cache_for_readers(request, response, self.cache_max_age)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        query = f"?page={page.number}" if page and page.number > 1 else ""
        context["canonical_url"] = f"{settings.SITE_URL}{self.request.path}{query}"
        return context


class HomeView(PublicPageMixin, TemplateView):
    """The front page: the lead story, then the latest of each section."""

    template_name = "articles/home.html"
    stories_per_section = 4

    def get_context_data(self, **kwargs):
        live = Article.objects.published().for_listing()
        lead = live.latest_first().first()
        rest = live.exclude(pk=lead.pk) if lead else live
        return super().get_context_data(
            lead=lead,
            section_stories=rest.latest_per_section(self.stories_per_section),
            **kwargs,
        )


class ArticleListMixin(PublicPageMixin, SingleObjectMixin):
    """
    A page about one thing (a section, an author, a tag) that lists its live
    articles, newest first, a page at a time (?page=).
    """

    paginate_by = 20
    subject_queryset = None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=self.subject_queryset.all())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        live = Article.objects.published()
        return self.articles_about(live).for_listing().latest_first()

    def articles_about(self, articles):
        raise NotImplementedError


class SectionDetailView(ArticleListMixin, ListView):
    subject_queryset = Section.objects.all()
    template_name = "articles/section_detail.html"

    def articles_about(self, articles):
        return articles.in_section(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section=self.object, **kwargs)


class AuthorDetailView(ArticleListMixin, ListView):
    subject_queryset = Author.objects.select_related("photo").prefetch_related(
        "photo__renditions"
    )
    template_name = "articles/author_detail.html"

    def articles_about(self, articles):
        return articles.by_author(self.object)


class TagDetailView(ArticleListMixin, ListView):
    subject_queryset = Tag.objects.all()
    template_name = "articles/tag_detail.html"
    # A tag used only on unpublished articles stays unknown to readers.
    allow_empty = False

    def articles_about(self, articles):
        return articles.tagged(self.object)


class ArticleDetailView(PublicPageMixin, DetailView):
    """
    One live article. An old address of the article (a changed slug or
    section) answers a permanent redirect to the current one.
    """

    more_in_section_count = 4

    def get_queryset(self):
        return Article.objects.published().for_article_page()

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            moved = (
                Article.objects.published()
                .at_old_path(request.path)
                .select_related("section")
                .first()
            )
            if moved is None:
                raise
            return redirect(moved, permanent=True)
        if self.object.section.slug != kwargs["section_slug"]:
            return redirect(self.object, permanent=True)
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        article = self.object
        more = list(
            Article.objects.published()
            .others_in_section(article)
            .for_listing(renditions=False)
            .latest_first()[: self.more_in_section_count]
        )
        prefetch_renditions([article.lead_image, *(m.lead_image for m in more)])
        return super().get_context_data(
            current_section=article.section, more_in_section=more, **kwargs
        )


class SearchView(PublicPageMixin, ListView):
    """Live articles matching ?q= in headline or standfirst."""

    template_name = "articles/search.html"
    paginate_by = 20
    max_query_length = 200
    # One reader's query is rarely another's: not worth keeping.
    server_cached = False

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[: self.max_query_length]
        return Article.objects.published().search(self.query).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)
