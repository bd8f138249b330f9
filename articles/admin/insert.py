"""
What the body editor's Insert menu asks the server
(articles/static/articles/body-insert.js), as small JSON: the picture
library's search and an upload to it (pages of the picture admin), our
articles' search and the check of an embed's address (pages of the article
admin). The admin's own wrapper lets only staff in and protects the POST
against CSRF; each view checks the model permission its answer needs.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse

from newsroom.formats import written

from ..body import element_value
from ..embeds import provider_for
from ..forms import PictureUploadForm
from ..models import Article, Image, prefetch_renditions

# Results in one answer of a search; ?page=2 asks for the next ones.
RESULTS = 24


def one_page(request, queryset):
    """
    The results of ?page= (1 by default) and the next page's number, or
    None when there is none, in one query.
    """
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    start = (number - 1) * RESULTS
    found = list(queryset[start : start + RESULTS + 1])
    return found[:RESULTS], number + 1 if len(found) > RESULTS else None


def picture_json(image):
    """
    What the Insert dialogs show of a library picture: its words and its
    narrowest JPEG rendition as the thumbnail (never the original).
    """
    thumbnail = image.thumbnail_rendition
    return {
        "id": image.pk,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "tags": sorted(tag.name for tag in image.tags.all()),
        "thumbnail": thumbnail
        and {
            "url": thumbnail.file.url,
            "width": thumbnail.width,
            "height": thumbnail.height,
        },
    }


def errors_json(form):
    """A form's errors as {"field": ["message", …]} ("__all__" for the form's)."""
    return {
        field: [error["message"] for error in errors]
        for field, errors in form.errors.get_json_data().items()
    }


def picture_search_view(model_admin, request):
    """Library pictures matching ?q= by alt text, caption, credit or tag."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    pictures = Image.objects.matching(request.GET.get("q", "")).prefetch_related("tags")
    found, next_page = one_page(request, pictures)
    prefetch_renditions(found)
    return JsonResponse(
        {"results": [picture_json(image) for image in found], "next_page": next_page}
    )


def picture_upload_view(model_admin, request):
    """
    Add the posted picture to the library through the picture admin's form
    and checks (201 and the picture), or say what is wrong (400 and the
    form's errors; nothing is stored).
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = PictureUploadForm(request.POST, request.FILES)
    if form.is_valid():
        image = form.save(commit=False)
        try:
            model_admin.save_model(request, image, form, change=False)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            model_admin.save_related(request, form, formsets=[], change=False)
            model_admin.log_addition(request, image, [{"added": {}}])
            return JsonResponse(picture_json(image), status=201)
    return JsonResponse({"errors": errors_json(form)}, status=400)


def may_write(model_admin, request):
    """Whether the user may write an article's body (a new one or theirs)."""
    return model_admin.has_add_permission(request) or model_admin.has_change_permission(
        request
    )


def article_search_view(model_admin, request):
    """Live articles whose headline holds the words of ?q=, latest first."""
    if not may_write(model_admin, request):
        raise PermissionDenied
    articles = (
        Article.objects.published()
        .with_headline(request.GET.get("q", ""))
        .select_related("section")
        .only("title", "published_at", "section__name")
    )
    found, next_page = one_page(request, articles)
    return JsonResponse(
        {
            "results": [
                {
                    "id": article.pk,
                    "title": article.title,
                    "section": article.section.name,
                    "published": written(article.published_at, "short_moment"),
                }
                for article in found
            ],
            "next_page": next_page,
        }
    )


def embed_check_view(model_admin, request):
    """
    Which configured provider (settings.EMBED_PROVIDERS) accepts the address
    in ?url=: {"provider": "YouTube"}, or {"error": "…"} saying why none does.
    """
    if not may_write(model_admin, request):
        raise PermissionDenied
    url = request.GET.get("url", "").strip()
    if element_value("figure", "data-url", url) is None:
        return JsonResponse(
            {"error": "Paste the whole address, starting with https://."}
        )
    provider = provider_for(url)
    if provider is None:
        names = ", ".join(entry["name"] for entry in settings.EMBED_PROVIDERS)
        return JsonResponse(
            {
                "error": "No provider we embed from accepts this address. "
                f"Embeds come from: {names}."
            }
        )
    return JsonResponse({"provider": provider.name})
