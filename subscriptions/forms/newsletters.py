"""Newsletter forms: sign-up and preferences."""

from django import forms

from newsroom.email_addresses import normalise_email
from newsroom.email_domains import validate_not_disposable, validate_public_email_domain

from ..consent import CURRENT, NEWSLETTER_SIGN_UP, is_live, wording
from ..models.newsletters import Newsletter


class SignUpForm(forms.Form):
    """
    Email, newsletter and an unticked consent box. Rendered without a CSRF
    token on cacheable pages; see views.newsletter_sign_up for why that is safe.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    newsletter = forms.ModelChoiceField(
        queryset=Newsletter.objects.active(),
        to_field_name="slug",
        empty_label=None,
        error_messages={
            "required": "Choose a newsletter.",
            "invalid_choice": "That newsletter is not taking sign-ups; choose another.",
        },
    )
    consent = forms.BooleanField(
        label=wording(NEWSLETTER_SIGN_UP).text,
        error_messages={"required": "Tick the box to say you want this newsletter."},
    )
    consent_version = forms.CharField(
        widget=forms.HiddenInput,
        initial=CURRENT[NEWSLETTER_SIGN_UP],
        max_length=20,
    )
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    # A honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        validate_public_email_domain(email)
        validate_not_disposable(email)
        return email

    @property
    def is_robot(self):
        """True when the honeypot field came back filled in."""
        return bool(self.data.get("website"))

    def clean_consent_version(self):
        version = self.cleaned_data["consent_version"]
        if not is_live(NEWSLETTER_SIGN_UP, version):
            # A page from before the wording changed: show the current one.
            self.data = self.data.copy()
            self.data["consent_version"] = CURRENT[NEWSLETTER_SIGN_UP]
            raise forms.ValidationError(
                "The wording beside the box has changed; please read it and tick "
                "the box again."
            )
        return version

    def clean_source(self):
        source = self.cleaned_data["source"]
        # Only a path on this site is recorded, never another site's address.
        if not source.startswith("/") or source.startswith("//"):
            return ""
        return source


class PreferencesForm(forms.Form):
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.active(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Newsletters sent to this address",
    )


def sign_up_auto_id(slug):
    """The ids of the sign-up form of the newsletter `slug`: unique on a page."""
    return f"id_{slug}_%s"


def sign_up_forms(newsletters, source):
    """One unbound sign-up form per newsletter, with ids unique on the page."""
    return [
        (
            newsletter,
            SignUpForm(
                auto_id=sign_up_auto_id(newsletter.slug),
                initial={"newsletter": newsletter.slug, "source": source},
            ),
        )
        for newsletter in newsletters
    ]
