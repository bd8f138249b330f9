from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("<slug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path(
        "<slug:section_slug>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
