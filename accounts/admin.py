from django.contrib import admin

from .models import LoginAttempt


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Sign-in attempts, for staff to see; nobody edits the record."""

    list_display = ["attempted_at", "username", "address", "outcome"]
    list_filter = ["outcome", "attempted_at"]
    search_fields = ["username", "address"]
    date_hierarchy = "attempted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
