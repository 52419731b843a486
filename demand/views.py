"""The Schedule redirect: a click counted on our own server, then sent on to the clinic's own booking page."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from clinics.links import web_url
from clinics.models import Clinic
from demand.recording import record_schedule_click


def schedule_link(slug: str, area: str = "", services: Sequence[str] = ()) -> str:
    """The Schedule link for a clinic, naming the search it came from (if any) so the click counts there."""
    url = reverse("demand:schedule", args=[slug])
    query = [("from", area)] if area else []
    query += [("service", slug) for slug in services]
    return f"{url}?{urlencode(query)}" if query else url


@require_safe
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """302 to the clinic's stored schedule URL, and nowhere else: nothing in the link chooses the destination.

    No cookie is read or set. Only a GET counts (a HEAD, as link checkers send, does not); the answer is never
    cached, so every click reaches us.
    """
    clinic = get_object_or_404(Clinic.objects.public().only("schedule_url", "status", "slug"), slug=slug)
    target = web_url(clinic.bookable_schedule_url)
    if not target:
        # No online booking (or the clinic is temporarily closed, as an old link may not know): its page says why.
        return HttpResponseRedirect(clinic.get_absolute_url())
    if request.method == "GET":
        record_schedule_click(request.GET.get("from", ""), request.GET.getlist("service"))
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
