from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("newsletters/", views.newsletter_list, name="newsletters"),
    path("newsletters/sign-up/", views.newsletter_sign_up, name="newsletter-sign-up"),
    path(
        "newsletters/check-your-inbox/",
        views.check_inbox,
        name="newsletter-check-inbox",
    ),
    path(
        "newsletters/confirm/<str:token>/",
        views.confirm,
        name="newsletter-confirm",
    ),
    path(
        "newsletters/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="newsletter-unsubscribe",
    ),
    path(
        "newsletters/preferences/<str:token>/",
        views.preferences,
        name="newsletter-preferences",
    ),
    # The web archive, after the fixed addresses above so that they win.
    path("newsletters/<slug:slug>/", views.newsletter_detail, name="newsletter"),
    path(
        "newsletters/<slug:slug>/feed/",
        views.newsletter_feed,
        name="newsletter-feed",
    ),
    path(
        "newsletters/<slug:newsletter_slug>/<int:pk>/",
        views.edition_detail,
        name="edition",
    ),
    # Home delivery
    path("delivery/", views.delivery_request, name="delivery-request"),
    path(
        "delivery/received/<str:token>/",
        views.delivery_request_done,
        name="delivery-request-done",
    ),
]
