from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import path
from django.views.generic import RedirectView


def old(request: HttpRequest) -> HttpResponseBase:
    return redirect("/new")  # no permanent= given


def moved(request: HttpRequest) -> HttpResponseBase:
    return redirect("/new", permanent=True)


def docs(request: HttpRequest) -> HttpResponse:
    return HttpResponse("docs")


def new(request: HttpRequest) -> HttpResponse:
    return HttpResponse("new")


urlpatterns = [
    path("old", old),
    path("moved", moved),
    path("gone", RedirectView.as_view(url="/new")),
    path("new", new),
    path("docs/", docs),  # APPEND_SLASH (CommonMiddleware): /docs is redirected
]

SETTINGS: dict[str, Any] = {
    "DEBUG": False,  # as in production: with DEBUG on, a POST to /docs raises instead
    "ALLOWED_HOSTS": ["127.0.0.1"],
    "ROOT_URLCONF": __name__,
    "MIDDLEWARE": ["django.middleware.common.CommonMiddleware"],  # APPEND_SLASH lives here
    "SECRET_KEY": "redirect-lab-only-on-loopback",
}
