"""The admin's sign-in page, answering 429 while sign-in is paused."""

from django.contrib import admin


def admin_login(request, extra_context=None):
    """
    The admin's own login view (its form is accounts.forms.LockoutLoginForm),
    with the status and Retry-After of a refusal, so clients and monitoring
    see it as one.
    """
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    retry_after = getattr(form, "retry_after", None)
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response
