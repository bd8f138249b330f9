"""Forms of the editors' admin."""

from django import forms

from . import images
from .models import Image


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
        with images.open_upload(uploaded) as picture:
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
            "focal_point_x",
            "focal_point_y",
        ]
        widgets = {"alt_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The newsroom's rule for uploads. The model leaves them optional, so
        # pictures created in code (the demo loader, imports) need not have them.
        self.fields["caption"].required = True
        self.fields["credit"].required = True
