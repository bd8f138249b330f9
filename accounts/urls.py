"""The admin's sign-in and second-factor pages, under /admin/ before the admin."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.admin_login, name="admin-login"),
    path("two-factor/", views.overview, name="two-factor"),
    path("two-factor/verify/", views.verify, name="two-factor-verify"),
    path(
        "two-factor/authenticator/",
        views.add_authenticator,
        name="two-factor-authenticator",
    ),
    path(
        "two-factor/authenticator/remove/",
        views.remove_authenticator,
        name="two-factor-authenticator-remove",
    ),
    path("two-factor/passkeys/add/", views.add_passkey, name="two-factor-passkey"),
    path(
        "two-factor/passkeys/<int:pk>/remove/",
        views.remove_passkey,
        name="two-factor-passkey-remove",
    ),
    path(
        "two-factor/recovery-codes/",
        views.recovery_codes,
        name="two-factor-recovery-codes",
    ),
]
