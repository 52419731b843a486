"""What a staff member sees when django-axes locks a sign-in (settings: AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """429 with the admin's look, how long to wait in plain minutes, and how to be unlocked sooner."""
    seconds = settings.AXES_COOLOFF_TIME.total_seconds()
    response = render(
        request,
        "admin/locked_out.html",
        {**admin.site.each_context(request), "minutes": math.ceil(seconds / 60), "title": "Sign-in locked"},
        status=429,
    )
    response["Retry-After"] = str(int(seconds))
    return response
