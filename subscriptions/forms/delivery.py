"""The home delivery request form."""

import uuid
from datetime import timedelta

from django import forms

from newsroom import formats
from newsroom.email_domains import validate_public_email_domain

from .. import delivery
from ..consent import CURRENT, DELIVERY_MARKETING, DELIVERY_TERMS, is_live, wording
from ..models.delivery import DeliveryConsent, DeliveryRequest, eircode_normalise

# Forms opened before the version was sent with them showed this one.
FIRST_CONSENT_VERSION = "2026-11"

COUNTIES = [
    "Carlow",
    "Cavan",
    "Clare",
    "Cork",
    "Donegal",
    "Dublin",
    "Galway",
    "Kerry",
    "Kildare",
    "Kilkenny",
    "Laois",
    "Leitrim",
    "Limerick",
    "Longford",
    "Louth",
    "Mayo",
    "Meath",
    "Monaghan",
    "Offaly",
    "Roscommon",
    "Sligo",
    "Tipperary",
    "Waterford",
    "Westmeath",
    "Wexford",
    "Wicklow",
]


class DeliveryRequestForm(forms.ModelForm):
    """What a reader fills in to have the paper delivered."""

    county = forms.ChoiceField(
        choices=[("", "Choose a county")] + [(c, c) for c in COUNTIES],
        error_messages={"required": "Choose your county."},
    )
    delivery_days = forms.MultipleChoiceField(
        label="Delivery days",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one delivery day."},
    )
    start_date = forms.DateField(
        label="Preferred start date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Choose the day you would like delivery to start.",
            "invalid": "Enter the start date as a date, such as 2026-03-14.",
        },
    )
    terms = forms.BooleanField(
        label=wording(DELIVERY_TERMS).text,
        error_messages={"required": "Please agree to the terms so we can deliver."},
    )
    marketing = forms.BooleanField(
        label=wording(DELIVERY_MARKETING).text,
        required=False,
    )
    consent_version = forms.CharField(
        widget=forms.HiddenInput,
        initial=CURRENT[DELIVERY_TERMS],
        max_length=20,
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)
    # A honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = DeliveryRequest
        fields = [
            *DeliveryRequest.READER_FIELDS,
            "delivery_days",
            "start_date",
            "leave_at",
            "notes",
        ]
        labels = {
            "name": "Full name",
            "email": "Email address",
            "phone": "Phone number",
            "leave_at": "Where should we leave the paper?",
            "notes": "Anything else we should know?",
        }
        help_texts = {
            "phone": "So the delivery desk can call you, e.g. 087 123 4567.",
            "eircode": "For example A65 F4E2.",
            "leave_at": "For example: in the porch, through the letterbox.",
        }
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "address_line_1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line_2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "eircode": forms.TextInput(
                attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter your name."},
            "email": {
                "required": "Enter your email address.",
                "invalid": "Enter an email address such as name@example.ie.",
            },
            "phone": {"required": "Enter a phone number."},
            "address_line_1": {"required": "Enter the first line of your address."},
            "town": {"required": "Enter your town or city."},
            "eircode": {"required": "Enter your Eircode."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_days"].choices = delivery.delivery_days_offered()
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))
            self.fields["start_date"].widget.attrs["min"] = (
                delivery.delivery_earliest_start().isoformat()
            )
        # These hold what the reader types, spaces and all; the clean_ methods
        # normalise them and say what is wrong in the reader's terms.
        for name in ("phone", "eircode"):
            self.fields[name].max_length = 40
            self.fields[name].widget.attrs["maxlength"] = 40
            self.fields[name].validators = []

    @property
    def is_robot(self):
        """True when the honeypot field came back filled in."""
        return bool(self.data.get("website"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        validate_public_email_domain(email)
        return email

    def clean_eircode(self):
        return eircode_normalise(self.cleaned_data["eircode"])

    def clean_phone(self):
        return delivery.phone_normalise(self.cleaned_data["phone"])

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        earliest = delivery.delivery_earliest_start()
        if start < earliest:
            raise forms.ValidationError(
                "Delivery can start tomorrow (%(date)s) at the earliest.",
                code="too_early",
                params={"date": formats.written(earliest, "day")},
            )
        if start > earliest + timedelta(days=delivery.DELIVERY_MAX_START_DAYS):
            raise forms.ValidationError(
                "Choose a start date within the next %(days)s days.",
                code="too_late",
                params={"days": delivery.DELIVERY_MAX_START_DAYS},
            )
        return start

    def clean_consent_version(self):
        version = self.cleaned_data["consent_version"] or FIRST_CONSENT_VERSION
        if not all(is_live(key, version) for key in DeliveryConsent.WORDINGS.values()):
            # A form opened before the wording changed: show the current one,
            # and say so beside the box (this field is hidden).
            self.data = self.data.copy()
            self.data["consent_version"] = CURRENT[DELIVERY_TERMS]
            self.data.pop("terms", None)
            self.data.pop("marketing", None)
            self.add_error(
                "terms",
                "The wording beside the boxes has changed; please read it and "
                "tick the boxes again.",
            )
            return CURRENT[DELIVERY_TERMS]
        return version

    def consents(self):
        """The wordings the reader agreed to: {kind: consent.Wording}."""
        version = self.cleaned_data["consent_version"]
        agreed = [DeliveryConsent.Kind.TERMS]
        if self.cleaned_data["marketing"]:
            agreed.append(DeliveryConsent.Kind.MARKETING)
        return {
            kind: wording(DeliveryConsent.WORDINGS[kind], version) for kind in agreed
        }

    def clean_idempotency_key(self):
        # A missing or altered key costs only the double-submit protection.
        try:
            return uuid.UUID(self.cleaned_data["idempotency_key"])
        except ValueError:
            return uuid.uuid4()

    def submit(self, source):
        """
        Save the request (once per idempotency key) with its consent, given
        on the page `source`; returns (request, created).
        """
        return delivery.delivery_request_submit(
            self.instance,
            idempotency_key=self.cleaned_data["idempotency_key"],
            consents=self.consents(),
            source=source,
        )
