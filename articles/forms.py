"""Forms of the editors' admin, and the readers' search form."""

from django import forms
from django.contrib.admin.widgets import AdminIntegerFieldWidget
from django.urls import reverse_lazy
from django.utils.html import format_html
from taggit.forms import TagWidget

from . import images, search
from .body import picture_ids, sanitize_body
from .models import Article, ArticleAuthor, Image, Section


class TagSuggestionsWidget(TagWidget):
    """
    Taggit's comma-separated text input, with suggestions of existing tags
    for the name being typed (from the admin's autocomplete endpoint; editors
    need the "view tag" permission to get them).
    """

    def __init__(self, attrs=None, *, model=None, field_name="tags"):
        attrs = {
            "class": "vTextField",
            "data-tag-suggestions": reverse_lazy("admin:autocomplete"),
            "data-field-name": field_name,
            **(attrs or {}),
        }
        if model is not None:
            attrs["data-app-label"] = model._meta.app_label
            attrs["data-model-name"] = model._meta.model_name
        super().__init__(attrs)

    class Media:
        js = ["articles/tag-suggestions.js"]


class PictureField(forms.FileField):
    """
    A file field that accepts only pictures the image pipeline can handle and
    says precisely why it refuses one (Django's ImageField answers every
    problem, a decompression bomb included, with the same vague sentence).
    """

    widget = forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
    )

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        # Checked here, decoded in full once, when the picture is saved.
        with images.open_upload(uploaded, draft_width=1) as picture:
            uploaded.content_type = picture.get_format_mimetype()
        uploaded.seek(0)
        return uploaded


class ImageForm(forms.ModelForm):
    file = PictureField(
        label="Picture",
        help_text="JPEG, PNG, WebP or GIF. Location and camera data are removed "
        "when it is stored; renditions for the site are made at once.",
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "alt_text",
            "caption",
            "credit",
            "tags",
            "licence",
            "source",
            "rights_expire_on",
            "focal_point_x",
            "focal_point_y",
        ]
        widgets = {
            "alt_text": forms.Textarea(attrs={"rows": 2}),
            "tags": TagSuggestionsWidget(model=Image),
        }

    # The picture on the change form is an <input type="image"> of this
    # name: clicking it submits the form with the click's position in the
    # picture as focal_point.x and focal_point.y, no script needed.
    FOCAL_POINT_PICKER = "focal_point"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The newsroom's rule for uploads. The model leaves them optional, so
        # pictures created in code (the demo loader, imports) need not have them.
        self.fields["caption"].required = True
        self.fields["credit"].required = True

    def clicked_focal_point(self):
        """
        The focal point the editor clicked on the picture, as fractions of its
        width and height, or None when the form was not sent by a click.
        """
        name = self.FOCAL_POINT_PICKER
        shown = self.instance.fallback_rendition if self.instance.pk else None
        if shown is None or f"{name}.x" not in self.data:
            return None
        try:
            x, y = int(self.data[f"{name}.x"]), int(self.data[f"{name}.y"])
        except (KeyError, ValueError):
            return None
        return (
            round(min(max(x / shown.width, 0), 1), 3),
            round(min(max(y / shown.height, 0), 1), 3),
        )

    def clean(self):
        cleaned = super().clean()
        clicked = self.clicked_focal_point()
        if clicked:
            cleaned["focal_point_x"], cleaned["focal_point_y"] = clicked
        return cleaned


class PictureUploadForm(ImageForm):
    """
    A picture added to the library from the body editor: the picture admin's
    form and checks, with only what the editor is asked there.
    """

    class Meta(ImageForm.Meta):
        fields = ["file", "alt_text", "caption", "credit", "tags"]


class ArticleAdminForm(forms.ModelForm):
    """
    The article form, with a wide headline box, the body's word count, and
    a lead picture uploaded on the spot: the Image is made from the file,
    the alt text and credit given here and the caption given below them.
    """

    new_lead_image = PictureField(
        label="Or upload a picture",
        required=False,
        help_text="JPEG, PNG, WebP or GIF. It becomes the lead image, with the "
        "alt text, credit and caption given here.",
    )
    new_lead_image_alt_text = forms.CharField(
        label="Its alt text",
        required=False,
        max_length=Image._meta.get_field("alt_text").max_length,
        help_text=Image._meta.get_field("alt_text").help_text,
    )
    new_lead_image_credit = forms.CharField(
        label="Its credit",
        required=False,
        max_length=Image._meta.get_field("credit").max_length,
        help_text=Image._meta.get_field("credit").help_text,
    )

    share_image = forms.ModelChoiceField(
        queryset=Image.objects.all(),
        required=False,
        label="Sharing picture",
        empty_label="The lead picture",
        help_text=Article._meta.get_field("share_image").help_text
        + " A picture just added to the body is offered once the article is saved.",
    )

    class Meta:
        model = Article
        # ArticleAdmin's fieldsets choose the fields it shows.
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "section",
            "kind",
            "live_state",
            "tags",
            "lead_image",
            "lead_image_caption",
            "share_image",
            "planned_for",
            "status",
            "published_at",
            "seo_title",
            "seo_description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            self.fields["title"].widget.attrs["class"] = "vTextField newsroom-headline"
        if "standfirst" in self.fields:
            # One or two sentences: a box of three lines, not ten.
            self.fields["standfirst"].widget.attrs.update(
                rows=3, **{"class": "vLargeTextField newsroom-standfirst"}
            )
        if "body" in self.fields:
            # The count as last saved; articles/word-count.js keeps it current
            # while the editor types.
            count = self.instance.word_count
            self.fields["body"].help_text = format_html(
                '<span class="word-count" data-word-count-for="id_body" '
                'aria-live="polite">{} word{}</span>',
                count,
                "" if count == 1 else "s",
            )
        if "share_image" in self.fields:
            self.offer_share_pictures(
                self.instance.lead_image_id, self.instance.body or ""
            )

    def offer_share_pictures(self, lead_id, body):
        """
        Offer as sharing pictures those of an article with the lead picture
        `lead_id` and the body `body` (and the one chosen, whatever it is,
        so a choice is never lost from view).
        """
        ids = picture_ids(body, lead_id)
        try:
            chosen = int(self["share_image"].value() or 0)
        except (TypeError, ValueError):
            chosen = 0
        pictures = Image.objects.in_bulk([*ids, chosen] if chosen else ids)
        field = self.fields["share_image"]
        field.widget.choices = [("", field.empty_label)] + [
            (pk, self.share_picture_label(pictures[pk], pk == lead_id))
            for pk in dict.fromkeys([*ids, *pictures])
            if pk in pictures
        ]

    @staticmethod
    def share_picture_label(image, is_lead):
        where = "lead picture" if is_lead else "in the body"
        return f"{image.alt_text} ({where}, no. {image.pk})"

    def clean_share_image(self):
        image = self.cleaned_data.get("share_image")
        if image is not None and image.rights_expired():
            raise forms.ValidationError(
                "The rights to this picture have lapsed: choose another, or "
                "leave it empty to share the lead picture."
            )
        return image

    def clean(self):
        cleaned = super().clean()
        self.check_share_picture(cleaned)
        if cleaned.get("new_lead_image"):
            if cleaned.get("lead_image"):
                self.add_error(
                    "new_lead_image",
                    "Choose an existing lead image or upload a new one, not both.",
                )
            needed = {
                "new_lead_image_alt_text": "A new picture needs its alt text.",
                "new_lead_image_credit": "A new picture needs its credit.",
                "lead_image_caption": "A new picture needs its caption.",
            }
            for name, message in needed.items():
                if name in self.fields and not cleaned.get(name, "").strip():
                    self.add_error(name, message)
        return cleaned

    def check_share_picture(self, cleaned):
        """
        The sharing picture must be one of the article's pictures as posted:
        its lead picture, or one its body or galleries show.
        """
        if "share_image" not in self.fields:
            return
        lead = cleaned.get("lead_image", self.instance.lead_image)
        # As it will be stored: the posted body is sanitized after clean().
        body = sanitize_body(cleaned.get("body", self.instance.body) or "")
        lead_id = lead.pk if lead else None
        if self.is_bound and "body" in cleaned:
            # The form shown again offers the pictures as posted.
            self.offer_share_pictures(lead_id, body)
        image = cleaned.get("share_image")
        if image is not None and image.pk not in picture_ids(body, lead_id):
            self.add_error(
                "share_image",
                f"“{image.alt_text}” is not one of this article's pictures. "
                "Choose its lead picture or a picture in its body or galleries, "
                "or leave it empty to share the lead picture.",
            )

    def attach_new_lead_image(self, user):
        """
        Store the uploaded picture (if any) as an Image and make it the
        article's lead image; its caption moves from the article to the image.
        """
        upload = self.cleaned_data.get("new_lead_image")
        if not upload:
            return None
        image = Image(
            file=upload,
            alt_text=self.cleaned_data["new_lead_image_alt_text"].strip(),
            caption=self.instance.lead_image_caption.strip(),
            credit=self.cleaned_data["new_lead_image_credit"].strip(),
            uploaded_by=user,
        )
        image.save()
        self.instance.lead_image = image
        self.instance.lead_image_caption = ""
        return image


class BylineForm(forms.ModelForm):
    """
    One byline row. The position may be left empty to add the name at the
    end; ArticleAdmin then numbers the byline 0, 1, 2… in order.
    """

    # After every position an editor would type; renumbered on save.
    END = 32_000

    position = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=END,
        help_text="Lowest first. Leave empty to add at the end.",
        widget=AdminIntegerFieldWidget,
    )

    class Meta:
        model = ArticleAuthor
        fields = ["author", "role", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial["position"] = None

    def clean_position(self):
        position = self.cleaned_data["position"]
        return self.END if position is None else position


class SearchForm(forms.Form):
    """
    The reader's search (?q=) with its filters. Every field is optional and
    bad input never raises: the form says what is wrong and what it did.
    """

    q = forms.CharField(label="Search for", required=False, strip=False)
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
    )
    kind = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *Article.Kind.choices], required=False
    )
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_q(self):
        typed = self.cleaned_data["q"]
        query = search.clean_query(typed)
        self.shortened = len(" ".join(typed.split())) > search.MAX_QUERY_LENGTH
        return query

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return cleaned

    def has_filters(self):
        return any(
            self.cleaned_data.get(name) for name in ("section", "kind", "start", "end")
        )

    def results(self):
        """Live articles matching the query and filters, best match first."""
        data = self.cleaned_data
        articles = Article.objects.published()
        if data.get("section"):
            articles = articles.in_section(data["section"])
        if data.get("kind"):
            articles = articles.filter(kind=data["kind"])
        articles = articles.published_between(data.get("start"), data.get("end"))
        # Last, so that the newest matches it keeps are the filtered ones.
        return articles.search(data["q"])
