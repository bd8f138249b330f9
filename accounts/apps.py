from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib import admin

        from .forms import LockoutLoginForm

        # The admin's sign-in form refuses while an account or an address is
        # cooling off, and records every attempt.
        admin.site.login_form = LockoutLoginForm
