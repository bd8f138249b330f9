from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.admin_login, name="admin-login"),
]
