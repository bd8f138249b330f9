"""Public reading pages. Every query starts from Article.objects.published()."""

from django.http import HttpResponse
from django.views.generic import DetailView

from .models import Article, Author, Section


def home(request):
    return HttpResponse("Newsroom")


class SectionDetailView(DetailView):
    model = Section


class AuthorDetailView(DetailView):
    model = Author


class TagDetailView(DetailView):
    pass


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().filter(
            section__slug=self.kwargs["section_slug"]
        )
