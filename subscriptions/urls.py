from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    # Home delivery
    path("delivery/", views.delivery_request, name="delivery-request"),
    path(
        "delivery/received/<str:token>/",
        views.delivery_request_done,
        name="delivery-request-done",
    ),
]
