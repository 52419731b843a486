"""Visitor pages (placeholder until the visitor-pages work lands)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.defaults import page_not_found as default_page_not_found
from django.views.defaults import server_error as default_server_error

from clinics.models import Clinic


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Find a Rock Valley physical therapist near you")


def find(request: HttpRequest) -> HttpResponse:
    return HttpResponse("results")


def clinic_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("clinics")


def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.active(), slug=slug)
    return HttpResponse(clinic.name)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return default_page_not_found(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    return default_server_error(request)
