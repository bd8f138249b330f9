"""Home delivery in the admin: the circulation desk's areas and requests."""

import contextlib
import csv
import itertools
from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from newsroom import formats
from newsroom.admin_inlines import LabelledTabularInline

from .. import delivery
from ..models.delivery import (
    DeliveryArea,
    DeliveryRequest,
    DeliveryRoutingKey,
    eircode_normalise,
    routing_key_normalise,
)


class DeliveryRoutingKeyForm(forms.ModelForm):
    class Meta:
        model = DeliveryRoutingKey
        fields = ["key"]

    def clean_key(self):
        return routing_key_normalise(self.cleaned_data["key"])


class DeliveryRoutingKeyInline(LabelledTabularInline):
    model = DeliveryRoutingKey
    form = DeliveryRoutingKeyForm
    extra = 3


@admin.register(DeliveryArea)
class DeliveryAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "routing_keys_display", "newsagent", "is_active", "open"]
    list_filter = ["is_active"]
    search_fields = ["name", "newsagent", "routing_keys__key"]
    inlines = [DeliveryRoutingKeyInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("routing_keys")
            .annotate(
                open_count=Count(
                    "requests",
                    filter=~Q(requests__status__in=DeliveryRequest.CLOSED_STATUSES),
                )
            )
        )

    @admin.display(description="routing keys")
    def routing_keys_display(self, area):
        return ", ".join(key.key for key in area.routing_keys.all())

    @admin.display(description="open requests", ordering="open_count")
    def open(self, area):
        return area.open_count

    def has_delete_permission(self, request, obj=None):
        # Requests keep their area for statistics: deactivate an area instead.
        return False


class DeliveryAreaFilter(admin.SimpleListFilter):
    title = "area"
    parameter_name = "area"
    OUT_OF_AREA = "none"

    def lookups(self, request, model_admin):
        areas = DeliveryArea.objects.values_list("pk", "name")
        return [(str(pk), name) for pk, name in areas] + [
            (self.OUT_OF_AREA, "Out of area")
        ]

    def queryset(self, request, queryset):
        if self.value() == self.OUT_OF_AREA:
            return queryset.filter(area__isnull=True)
        if self.value():
            return queryset.filter(area_id=self.value())
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Me"), ("nobody", "Nobody")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open (not closed)"), *DeliveryRequest.Status.choices]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() in DeliveryRequest.Status.values:
            return queryset.filter(status=self.value())
        return queryset


class StartDateFilter(admin.SimpleListFilter):
    """Start dates as the desk plans them: tomorrow, this week, already past."""

    title = "start date"
    parameter_name = "starts"

    def lookups(self, request, model_admin):
        return [
            ("tomorrow", "Tomorrow"),
            ("week", "In the next 7 days"),
            ("later", "Later"),
            ("past", "Today or earlier"),
        ]

    def queryset(self, request, queryset):
        today = delivery.delivery_today()
        week = today + timedelta(days=7)
        ranges = {
            "tomorrow": Q(start_date=today + timedelta(days=1)),
            "week": Q(start_date__gt=today, start_date__lte=week),
            "later": Q(start_date__gt=week),
            "past": Q(start_date__lte=today),
        }
        if self.value() in ranges:
            return queryset.filter(ranges[self.value()])
        return queryset


def check_stop_date(form, status, day):
    """The model's stop-date rule, said beside the form's date field."""
    try:
        DeliveryRequest.validate_stop_date(status, day)
    except ValidationError as error:
        form.add_error("day", error)


class DeliveryTransitionForm(forms.Form):
    """The note and date that go with a status change."""

    day = forms.DateField(
        required=False,
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When scheduling: the agreed start date, if it differs from the "
        "reader's. When ending: the first day without delivery (required).",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Optional; kept in the request's history with your name.",
    )

    def __init__(self, *args, status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.status = status

    def clean(self):
        cleaned = super().clean()
        check_stop_date(self, self.status, cleaned.get("day"))
        return cleaned


class DeliveryRequestAdminForm(forms.ModelForm):
    """The desk's part of a request: who has it, its area, its next status."""

    move_to = forms.ChoiceField(required=False, label="Move to")
    day = DeliveryTransitionForm.base_fields["day"]
    note = DeliveryTransitionForm.base_fields["note"]

    class Meta:
        model = DeliveryRequest
        fields = ["assigned_to", "area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "area" in self.fields:
            # Active areas, and the request's own even if it was since retired.
            self.fields["area"].queryset = DeliveryArea.objects.filter(
                Q(is_active=True) | Q(pk=self.instance.area_id)
            )
        allowed = self.instance.allowed_transitions() if self.instance.pk else ()
        self.fields["move_to"].choices = [("", "Keep the status")] + [
            (status.value, status.label) for status in allowed
        ]

    def clean(self):
        cleaned = super().clean()
        check_stop_date(self, cleaned.get("move_to"), cleaned.get("day"))
        return cleaned


def _transition_action(status):
    def action(modeladmin, request, queryset):
        return modeladmin.transition_selected(request, queryset, status)

    action.__name__ = f"move_to_{status.value}"
    return admin.action(
        description=f"Move selected requests to “{status.label}”…",
        permissions=["change"],
    )(action)


WORKFLOW_STATUSES = [
    DeliveryRequest.Status.CONTACTED,
    DeliveryRequest.Status.SCHEDULED,
    DeliveryRequest.Status.ACTIVE,
    DeliveryRequest.Status.ENDED,
    DeliveryRequest.Status.DECLINED,
    DeliveryRequest.Status.CANCELLED,
]

READER_FIELDS = [*DeliveryRequest.READER_FIELDS, "routing_key"]

CSV_COLUMNS = [
    ("Reference", "reference"),
    ("Status", "get_status_display"),
    ("Submitted", "created_at"),
    ("Area", "area"),
    ("Newsagent", "area.newsagent"),
    ("Assigned to", "assigned_to"),
    ("Name", "name"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Address line 1", "address_line_1"),
    ("Address line 2", "address_line_2"),
    ("Town", "town"),
    ("County", "county"),
    ("Eircode", "eircode"),
    ("Days", "get_delivery_days_display"),
    ("Start date", "start_date"),
    ("Stop date", "stop_date"),
    ("Leave at", "leave_at"),
    ("Reader's notes", "notes"),
    ("Marketing consent", "marketing_consent_at"),
]


def _csv_value(delivery_request, attribute):
    value = delivery_request
    for part in attribute.split("."):
        value = getattr(value, part, None) if value is not None else None
    if callable(value):
        value = value()
    if hasattr(value, "astimezone"):
        value = formats.written(value, "stamp")
    return delivery.csv_cell(value)


class _Echo:
    def write(self, value):
        return value


@admin.register(DeliveryRequest)
class DeliveryRequestAdmin(admin.ModelAdmin):
    form = DeliveryRequestAdminForm
    list_display = [
        "reference",
        "name",
        "area_display",
        "status",
        "start_date",
        "assigned_to",
        "age",
    ]
    list_select_related = ["area", "assigned_to"]
    list_filter = [StatusFilter, DeliveryAreaFilter, AssignedFilter, StartDateFilter]
    search_fields = ["reference", "name", "email", "phone", "eircode"]
    search_help_text = "Reference, name, email, phone or Eircode."
    list_per_page = 50
    actions = [
        "assign_to_me",
        *(_transition_action(s) for s in WORKFLOW_STATUSES),
        "resend_emails",
    ]
    readonly_fields = [
        "reference",
        "status",
        "created_at",
        *READER_FIELDS,
        "delivery_days_display",
        "start_date",
        "stop_date",
        "leave_at",
        "notes",
        "terms_accepted_at",
        "marketing_consent_at",
        "consent_ledger",
        "confirmation_sent_at",
        "desk_notified_at",
        "closed_at",
        "anonymised_at",
        "history",
    ]
    change_list_template = "subscriptions/delivery/admin/change_list.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["reference", "status", "created_at", "area"]}),
            ("Reader", {"fields": READER_FIELDS}),
            (
                "Delivery",
                {
                    "fields": [
                        "delivery_days_display",
                        "start_date",
                        "stop_date",
                        "leave_at",
                        "notes",
                    ]
                },
            ),
            (
                "Consent and emails",
                {
                    "classes": ["collapse"],
                    "fields": [
                        "terms_accepted_at",
                        "marketing_consent_at",
                        "consent_ledger",
                        "confirmation_sent_at",
                        "desk_notified_at",
                        "closed_at",
                        "anonymised_at",
                    ],
                },
            ),
        ]
        if self.has_change_permission(request, obj):
            work = ("Work on it", {"fields": ["assigned_to", "move_to", "day", "note"]})
            fieldsets.insert(1, work)
        else:
            fieldsets[0][1]["fields"].append("assigned_to")
        fieldsets.insert(-3, ("History", {"fields": ["history"]}))
        return fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("area", "assigned_to")

    def has_add_permission(self, request):
        # Requests come from readers, through the public form.
        return False

    def has_delete_permission(self, request, obj=None):
        # Cancel instead; personal data goes by the retention command.
        return False

    @admin.display(description="area", ordering="area__name")
    def area_display(self, obj):
        return obj.area.name if obj.area else "Out of area"

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, depth=1)

    @admin.display(description="delivery days")
    def delivery_days_display(self, obj):
        return obj.get_delivery_days_display()

    @admin.display(description="consent given")
    def consent_ledger(self, obj):
        consents = obj.consents.all() if obj.pk else []
        return format_html_join(
            mark_safe("<br>"),
            "{}: “{}” (version {}, on {} at {})",
            (
                (
                    consent.get_kind_display(),
                    consent.wording,
                    consent.wording_version,
                    consent.source or "an unknown page",
                    formats.written(consent.at, "stamp"),
                )
                for consent in consents
            ),
        )

    @admin.display(description="history")
    def history(self, obj):
        events = obj.events.select_related("actor") if obj.pk else []
        return render_to_string(
            "subscriptions/delivery/admin/history.html", {"events": events}
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        # Staff type phone numbers and Eircodes as readers do: "087 123 4567".
        exact = Q()
        for field, normalise in (
            ("phone", delivery.phone_normalise),
            ("eircode", eircode_normalise),
        ):
            with contextlib.suppress(ValidationError):
                exact |= Q(**{field: normalise(search_term)})
        if exact:
            results = results | queryset.filter(exact)
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        # No super(): the desk never saves the row as the form left it. Each
        # change goes through its workflow function, which writes only its
        # own fields and the history entry that goes with them.
        original = DeliveryRequest.objects.select_related("area").get(pk=obj.pk)
        data = form.cleaned_data
        note = data.get("note", "")
        if "assigned_to" in form.changed_data:
            delivery.delivery_request_assign(
                original, data["assigned_to"], actor=request.user
            )
        if "area" in form.changed_data:
            delivery.delivery_request_reroute(
                original, data["area"], actor=request.user
            )
        if data.get("move_to"):
            try:
                delivery.delivery_request_transition(
                    original,
                    data["move_to"],
                    actor=request.user,
                    note=note,
                    day=data.get("day"),
                )
            except delivery.DeliveryTransitionError as error:
                messages.error(request, str(error))
        elif note:
            delivery.delivery_request_note(original, note, actor=request.user)

    def save_related(self, request, form, formsets, change):
        pass  # no inlines or many-to-many fields; see save_model

    @admin.action(description="Assign selected requests to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = sum(
            delivery.delivery_request_assign(obj, request.user, actor=request.user)
            for obj in queryset
        )
        self.message_user(request, f"{count} request(s) assigned to you.")

    @admin.action(
        description="Send the emails that did not go out", permissions=["change"]
    )
    def resend_emails(self, request, queryset):
        count = delivery.delivery_emails_resend(queryset)
        self.message_user(request, f"Emails queued again for {count} request(s).")

    def transition_selected(self, request, queryset, status):
        """Ask for the note (and date), then move each request; refuse the rest."""
        form = DeliveryTransitionForm(
            request.POST if "apply" in request.POST else None, status=status
        )
        if form.is_bound and form.is_valid():
            moved, refused = 0, []
            for obj in queryset:
                try:
                    delivery.delivery_request_transition(
                        obj,
                        status,
                        actor=request.user,
                        note=form.cleaned_data["note"],
                        day=form.cleaned_data["day"],
                    )
                    moved += 1
                except delivery.DeliveryTransitionError as error:
                    refused.append(str(error))
            if moved:
                self.message_user(
                    request, f"{moved} request(s) moved to {status.label.lower()}."
                )
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            return None
        requests = list(queryset)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Move to “{status.label}”",
            "opts": self.model._meta,
            "form": form,
            "status": status,
            "requests": requests,
            "refused": [r for r in requests if not r.can_move_to(status)],
            "action": request.POST.get("action"),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "subscriptions/delivery/admin/transition.html", context
        )

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name=f"{info}_export",
            ),
            path(
                "starts-and-stops/",
                self.admin_site.admin_view(self.starts_and_stops_view),
                name=f"{info}_starts_and_stops",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The changelist as filtered and searched, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).select_related(
            "area", "assigned_to"
        )
        writer = csv.writer(_Echo())
        header = [label for label, _ in CSV_COLUMNS]
        rows = (
            [_csv_value(obj, attribute) for _, attribute in CSV_COLUMNS]
            for obj in queryset.iterator(chunk_size=500)
        )
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in itertools.chain([header], rows)),
            content_type="text/csv; charset=utf-8",
        )
        stamp = formats.written(timezone.now(), "file_stamp")
        response["Content-Disposition"] = (
            f'attachment; filename="delivery-requests-{stamp}.csv"'
        )
        response["Cache-Control"] = "no-store"
        return response

    def starts_and_stops_view(self, request):
        """Per newsagent: whom to begin and stop delivering to on a given day."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        day = delivery.delivery_earliest_start()
        error = None
        if request.GET.get("date"):
            try:
                day = date.fromisoformat(request.GET["date"])
            except ValueError:
                error = "Enter the date as YYYY-MM-DD."
        context = {
            **self.admin_site.each_context(request),
            "title": f"Starts and stops for {formats.written(day, 'weekday_day')}",
            "opts": self.model._meta,
            "day": day,
            "error": error,
            "newsagents": delivery.delivery_starts_and_stops(day),
        }
        return TemplateResponse(
            request, "subscriptions/delivery/admin/starts_and_stops.html", context
        )
