"""
Redirects in the admin: list and search old → new addresses with their hits,
add and change them by hand, and import or export them as CSV.

A CSV import is all or nothing: every row is checked as the form checks
one (and against the rows before it); if any is refused, the report lists
each row with its reason and nothing is changed.
"""

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from ..models import Redirect
from ..models.redirects import is_offsite

CSV_COLUMNS = ["old_path", "target", "status"]


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ["old_path", "status", "target"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target") or ""
        if (
            is_offsite(target)
            and cleaned.get("status") != Redirect.Status.GONE
            and not (self.user and self.user.has_perm("articles.offsite_redirect"))
        ):
            self.add_error("target", "Only editors may send readers to another site.")
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: old_path, target, status (301, 302 or 410), "
        "with a header row, as the export writes them.",
    )


class MadeFilter(admin.SimpleListFilter):
    title = "made"
    parameter_name = "made"

    def lookups(self, request, model_admin):
        return [("hand", "By hand"), ("moved", "When the article moved")]

    def queryset(self, request, queryset):
        if self.value() == "hand":
            return queryset.filter(article__isnull=True)
        if self.value() == "moved":
            return queryset.filter(article__isnull=False)
        return queryset


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    form = RedirectForm
    list_display = ["old_path", "where_to", "status", "hits", "last_hit_at", "kind"]
    list_filter = ["status", MadeFilter]
    search_fields = ["old_path", "target", "article__title"]
    readonly_fields = ["article", "hits", "last_hit_at"]
    list_select_related = ["article__section"]
    change_list_template = "admin/articles/redirect/change_list.html"

    @admin.display(description="new address")
    def where_to(self, obj):
        return obj.destination() or "—"

    @admin.display(description="made")
    def kind(self, obj):
        return "When the article moved" if obj.automatic else "By hand"

    def get_readonly_fields(self, request, obj=None):
        # One made when its article moved follows the article: only its
        # status (410 to take the old address down for good) is chosen.
        if obj is not None and obj.automatic:
            return [*self.readonly_fields, "old_path", "target"]
        return self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return WithUser

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="articles_redirect_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="articles_redirect_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="redirects.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        rows = Redirect.objects.select_related("article__section").order_by("old_path")
        for row in rows.iterator(chunk_size=2000):
            writer.writerow([row.old_path, row.destination() or "", row.status])
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = import_csv(form.cleaned_data["file"], request.user)
            if report.accepted and not report.refused:
                messages.success(request, f"{len(report.accepted)} redirects imported.")
                return redirect("admin:articles_redirect_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import redirects",
            "form": form,
            "report": report,
        }
        return render(request, "admin/articles/redirect/import.html", context)


class ImportReport:
    def __init__(self):
        # (line, old path, new address, status): imported, or (with any row
        # refused) what would have been.
        self.accepted = []
        self.refused = []  # (line, the row as read, reason)


def import_csv(upload, user):
    """
    Check every row of `upload` as the add form would; save them all only if
    none is refused (ImportReport).
    """
    report = ImportReport()
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        report.refused.append((0, "", "The file is not UTF-8 text."))
        return report
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"old_path", "target"} <= set(reader.fieldnames):
        report.refused.append(
            (
                1,
                ",".join(reader.fieldnames or []),
                "The header must name old_path and target.",
            )
        )
        return report
    seen = set()
    forms_ok = []
    with transaction.atomic():
        for line, row in enumerate(reader, start=2):
            form = RedirectForm(
                {
                    "old_path": row.get("old_path") or "",
                    "target": row.get("target") or "",
                    "status": (row.get("status") or "301").strip(),
                },
                user=user,
            )
            if not form.is_valid():
                reasons = "; ".join(
                    message for errors in form.errors.values() for message in errors
                )
                report.refused.append((line, ",".join(row.values()), reasons))
                continue
            redirect_ = form.instance
            if redirect_.old_path in seen:
                report.refused.append(
                    (
                        line,
                        ",".join(row.values()),
                        "The old address is in the file twice.",
                    )
                )
                continue
            seen.add(redirect_.old_path)
            # Saved as checked, so later rows see it (chains, loops); undone
            # below if any row is refused.
            form.save()
            forms_ok.append(form)
            report.accepted.append(
                (
                    line,
                    redirect_.old_path,
                    redirect_.destination() or "",
                    redirect_.status,
                )
            )
        if report.refused:
            transaction.set_rollback(True)
    return report
