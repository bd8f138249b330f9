"""The picture library in the admin: upload, rights, focal point, renditions."""

from functools import partial

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from ..forms import ImageForm
from ..models import Image
from ..renditions import enqueue_renditions
from . import insert
from .pages import admin_page


def thumbnail_html(image):
    """An <img> of the narrowest JPEG rendition of `image`, or "—"."""
    rendition = image.thumbnail_rendition if image else None
    if rendition is None:
        return "—"
    return format_html(
        '<img class="newsroom-thumbnail" src="{}" width="{}" height="{}" alt="{}">',
        rendition.file.url,
        rendition.width,
        rendition.height,
        image.alt_text,
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    # The top Save button comes first in the form, so pressing Enter in a
    # field saves rather than "clicking" the focal point picker at 0, 0.
    save_on_top = True
    list_display = [
        "thumbnail",
        "alt_text",
        "caption",
        "credit",
        "dimensions",
        "renditions_state",
    ]
    list_display_links = ["thumbnail", "alt_text"]
    list_filter = ["renditions_status"]
    actions = ["queue_renditions"]
    search_fields = ["alt_text", "caption", "credit", "tags__name"]
    readonly_fields = [
        "preview",
        "focal_point_picker",
        "dimensions",
        "uploaded_by",
        "created_at",
        "renditions_state",
        "renditions_made",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["file", "preview", "alt_text", "caption", "credit", "tags"]},
        ),
        ("Rights", {"fields": ["licence", "source", "rights_expire_on"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point_picker", "focal_point_x", "focal_point_y"],
                "description": "Click the most important part of the picture: "
                "the cards' 3:2 crop and the 1200 × 630 sharing image are cut "
                "around it by the worker once the picture is saved.",
            },
        ),
        (
            "Details",
            {
                "fields": [
                    "dimensions",
                    "uploaded_by",
                    "created_at",
                ]
            },
        ),
        (
            "Renditions",
            {
                "fields": ["renditions_state", "renditions_made"],
                "description": "Made from the picture by the worker after it "
                "is saved; until then pages show one small JPEG of it. Upload "
                "a new picture to make them again.",
            },
        ),
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_urls(self):
        # What the body editor's Insert menu asks of the library.
        page = partial(admin_page, self)
        return [
            page("insert/search/", insert.picture_search_view, "insert_search"),
            page(
                "insert/upload/",
                insert.picture_upload_view,
                "insert_upload",
                post_only=True,
            ),
            *super().get_urls(),
        ]

    @admin.display(description="picture")
    def thumbnail(self, image):
        return thumbnail_html(image)

    @admin.display(description="preview")
    def preview(self, image):
        return thumbnail_html(image) if image.pk else "—"

    @admin.display(description="picture")
    def focal_point_picker(self, image):
        shown = image.fallback_rendition if image.pk else None
        if shown is None:
            return "Save the picture first; then click it to set its focal point."
        crops = [
            (shape, shaped.fallback_rendition)
            for shape in ("card", "share")
            if (shaped := image.in_shape(shape)) is not image
        ]
        return format_html(
            '<input type="image" name="{}" src="{}" width="{}" height="{}" '
            'class="focal-point-picker" alt="{}">'
            '<p class="help">Now {}% from the left, {}% from the top.</p>'
            '<div class="focal-point-crops">{}</div>',
            ImageForm.FOCAL_POINT_PICKER,
            shown.file.url,
            shown.width,
            shown.height,
            f"Set the focal point of: {image.alt_text}",
            round(image.focal_point_x * 100),
            round(image.focal_point_y * 100),
            format_html_join(
                "",
                '<img src="{}" width="{}" height="{}" alt="{} crop">',
                (
                    (r.file.url, r.width, r.height, shape.capitalize())
                    for shape, r in crops
                ),
            ),
        )

    @admin.display(description="renditions")
    def renditions_made(self, image):
        renditions = (
            sorted(image.renditions.all(), key=lambda r: (r.shape, r.format, r.width))
            if image.pk
            else []
        )
        if not renditions:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{}{} {} × {}: <a href="{}">{}</a></li>',
                (
                    (
                        f"{r.shape.capitalize()} " if r.shape else "",
                        r.get_format_display(),
                        r.width,
                        r.height,
                        r.file.url,
                        r.file.name,
                    )
                    for r in renditions
                ),
            ),
        )

    @admin.display(description="renditions", ordering="renditions_status")
    def renditions_state(self, image):
        """Waiting (and until when), ready, or failed with the error."""
        if not image.pk:
            return "—"
        state = image.get_renditions_status_display()
        if image.renditions_status == Image.RenditionsStatus.FAILED:
            return format_html(
                '<span class="renditions-failed">{} after {} attempt(s): {}</span>',
                state,
                image.renditions_attempts,
                image.renditions_error,
            )
        if (
            image.renditions_status == Image.RenditionsStatus.WAITING
            and image.renditions_attempts
        ):
            return format_html(
                "{} (attempt {} failed: {}; next at {})",
                state,
                image.renditions_attempts,
                image.renditions_error,
                date_format(localtime(image.renditions_due_at), "DATETIME_FORMAT"),
            )
        return state

    @admin.action(description="Make their renditions again (in the worker)")
    def queue_renditions(self, request, queryset):
        count = queryset.update(
            renditions_status=Image.RenditionsStatus.WAITING,
            renditions_attempts=0,
            renditions_due_at=timezone.now(),
            renditions_error="",
        )
        enqueue_renditions()
        self.message_user(
            request,
            f"The worker will make the renditions of {count} picture(s); until "
            "then pages show their small JPEG or the renditions they had.",
            messages.SUCCESS,
        )

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        # A click on the picture sets the focal point: stay on the picture.
        if f"{ImageForm.FOCAL_POINT_PICKER}.x" in request.POST:
            self.message_user(
                request,
                f"Focal point set; the crops are cut again around it by the "
                f"worker "
                f"({round(obj.focal_point_x * 100)}% from the left, "
                f"{round(obj.focal_point_y * 100)}% from the top).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
