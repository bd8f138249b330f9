from django.contrib import admin

from .models import LoginAttempt, TwoFactorEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record: nobody adds or edits it; superusers may clear it out."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    """Sign-in attempts, the second factor's included, for staff to see."""

    list_display = ["attempted_at", "username", "address", "step", "outcome"]
    list_filter = ["outcome", "step", "attempted_at"]
    search_fields = ["username", "address"]
    date_hierarchy = "attempted_at"


@admin.register(TwoFactorEvent)
class TwoFactorEventAdmin(ReadOnlyAdmin):
    """
    Second factors added and removed, recovery codes made and used: for
    superusers only, since it shows who can sign in how; nobody edits or
    deletes it.
    """

    list_display = ["happened_at", "username", "kind", "factor", "detail", "address"]
    list_filter = ["kind", "factor", "happened_at"]
    search_fields = ["username", "detail", "address"]
    date_hierarchy = "happened_at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # What a stolen superuser session did must stay on the record.
        return False
