"""Visitor pages: thin views that validate a search (clinics/search/params.py), run it, and render server-side HTML.

Everything a visitor needs (results, links, messages) is in the HTML; the map is an enhancement added by a static
script from data attributes, so the pages work with JavaScript off.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from clinics.conditions import ConditionEntry, catalogue
from clinics.counts import Directory, state_counts
from clinics.geocoding import GeocodeFailure, Precision
from clinics.health import RETRY_AFTER_SECONDS
from clinics.hours import Week, recent_cutoff
from clinics.jsonld import clinic_jsonld, jsonld_script
from clinics.links import public_url, web_url
from clinics.listing import (
    ListProblem,
    lists_every_clinic,
    parse_list_request,
    state_list_url,
    state_page_url,
)
from clinics.maps import leaflet_options
from clinics.models import Clinic, ClinicStatus, Condition, Service, current_services
from clinics.request_log import current_request_id
from clinics.search.geometry import miles_text
from clinics.search.nearby import NearbyClinics, human_join, search_nearby
from clinics.search.params import (
    SEARCH_PARAMS,
    Errors,
    InvalidSearch,
    SearchParams,
    parse_flag,
    parse_search,
    read_text,
)
from clinics.search.ranking import DEFAULT_RADIUS_MILES, MAX_LIMIT, ClinicMatch
from clinics.states import US_STATES
from clinics.throttling import AnonThrottle, page_wait, search_wait
from clinics.translation import DEFAULT_LANGUAGE, in_reading_order, localized
from demand.recording import record_search, search_area
from demand.views import schedule_link

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

log = logging.getLogger(__name__)

# Names visitors recognise, for the hours table's caption; other zones show their IANA name.
ZONE_NAMES = {
    "America/New_York": gettext_lazy("Eastern Time"),
    "America/Chicago": gettext_lazy("Central Time"),
    "America/Denver": gettext_lazy("Mountain Time"),
    "America/Phoenix": gettext_lazy("Mountain Time (Arizona)"),
    "America/Los_Angeles": gettext_lazy("Pacific Time"),
}


@dataclass(frozen=True)
class ClinicCard:
    """A clinic in a list, with what the card shows worked out once (a template would redo it at each mention)."""

    clinic: Clinic
    url: str
    address: str
    phone_tel: str
    schedule_url: str  # safe to link: http(s) only
    schedule_link: str  # what the Schedule button links to: our counting redirect to schedule_url (demand/views.py)


def clinic_card(clinic: Clinic, *, area: str = "", services: Sequence[str] = ()) -> ClinicCard:
    """``area`` and ``services``: the search the card is shown for, so a Schedule click counts under it."""
    schedule_url = web_url(clinic.bookable_schedule_url)  # none while temporarily closed
    return ClinicCard(
        clinic,
        clinic.get_absolute_url(),
        clinic.one_line_address,
        clinic.phone_tel,
        schedule_url,
        schedule_link(clinic.slug, area, services) if schedule_url else "",
    )


# --- The search form, as the templates render it ---------------------------------------------

# The distances offered in the form; any other radius up to the maximum still works from a link.
RADIUS_CHOICES: tuple[int, ...] = (5, 10, 25, 50, 100, 250)
# The fields the error summary links to: those with an input that shows its own error.
LINKED_FIELDS = ("q", "service", "radius")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


def _number(value: float) -> str:
    return f"{value:g}"


def search_form_context(
    query: QueryDict | None = None, params: SearchParams | None = None, errors: Errors | None = None
) -> dict[str, Any]:
    """What the search form partial needs: the visitor's own text kept, choices marked, errors by field."""
    q = query.get("q", "") if query is not None else ""
    radius = params.radius_miles if params else DEFAULT_RADIUS_MILES
    radius_values = sorted({*map(float, RADIUS_CHOICES), float(radius)})
    chosen = list(params.services) if params else []
    # Only services some clinic offers (choosing another would always find nothing: clinics/counts.py keeps the
    # list with the state counts), and the one a link chose.
    directory = state_counts.get()
    services = list(directory.services)
    offered = directory.offered_slugs
    missing = [slug for slug in chosen if slug not in offered]
    if missing:
        services = sorted(
            {*services, *Service.objects.offered(including=missing).values_list("slug", "name")},
            key=lambda service: service[1],
        )
    return {
        "errors": errors or {},
        "q_value": q[:300],
        # After "Use my location": the position rides along through every change of the filters.
        "lat_value": f"{params.latitude:.4f}" if params and params.latitude is not None else "",
        "lng_value": f"{params.longitude:.4f}" if params and params.longitude is not None else "",
        "radius_options": [
            Option(_number(value), gettext("{miles} miles").format(miles=_number(value)), value == radius)
            for value in radius_values
        ],
        "service_options": [Option(slug, name, slug == (chosen[0] if chosen else "")) for slug, name in services],
        # A link may ask for several services; the select shows the first, the others ride along hidden.
        "extra_services": chosen[1:],
        "open_now_checked": bool(params and params.open_now),
        # A condition chosen by link or on its page rides along through every change of the other filters, as a
        # box the visitor can untick.
        "condition_choice": _linked_condition(query, params),
        "search_notes": [note.message for note in params.notes] if params else [],
    }


def _linked_condition(query: QueryDict | None, params: SearchParams | None) -> ConditionEntry | None:
    """The condition a link (or a condition's page) chose, unless the visitor has since typed another."""
    linked = catalogue.get().by_slug.get(str(query.get("condition", ""))) if query is not None else None
    if linked is None or (params is not None and params.condition is not None and params.condition != linked):
        return None
    return linked


# --- Pages -------------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The search form and the clinics per state (counted at most every few seconds: clinics/counts.py)."""
    directory = state_counts.get()
    return render(
        request,
        "clinics/home.html",
        {
            **search_form_context(),
            "clinic_count": directory.total,
            "clinic_count_text": f"{directory.total:,}",
            "states": [(state, state_list_url(state.code, directory)) for state in directory.states],
            "canonical_url": public_url(request, reverse("clinics:home")),
        },
    )


@dataclass(frozen=True)
class ResultRow:
    """One numbered result, with the words the list and the map both show.

    Links and the address are worked out once here: the row's template mentions each several
    times, and each mention of a method or property would run it again.
    """

    rank: int
    match: ClinicMatch
    distance_text: str
    distance_spoken: str
    card: ClinicCard
    directions_url: str
    services: list[str]  # names

    @property
    def clinic(self) -> Clinic:
        return self.match.clinic


def distance_words(miles: float, approximate: bool) -> tuple[str, str]:
    """("3.2 mi", "3.2 miles away"), with "about" when the clinic is placed at a ZIP or city centre."""
    if approximate and miles < 1:
        # Measured to a ZIP or town centre: tenths of a mile near zero would claim a precision we lack.
        return gettext("≈ under 1 mi"), gettext("about a mile away or less")
    if miles < 0.1:
        return gettext("< 0.1 mi"), gettext("less than 0.1 miles away")
    number = miles_text(miles)
    if approximate:
        return gettext("≈ {miles} mi").format(miles=number), gettext("about {miles} miles away").format(miles=number)
    return gettext("{miles} mi").format(miles=number), gettext("{miles} miles away").format(miles=number)


def result_rows(matches: list[ClinicMatch], area: str = "", filters: Sequence[str] = ()) -> list[ResultRow]:
    """The numbered rows of a search's answer, for the results page and the embedded finder (embed/views.py)."""
    rows = []
    for rank, match in enumerate(matches, start=1):
        clinic = match.clinic
        shown, spoken = distance_words(match.distance_miles, clinic.location_is_approximate)
        services = [service.name for service in clinic.services.all()]
        card = clinic_card(clinic, area=area, services=filters)
        rows.append(ResultRow(rank, match, shown, spoken, card, clinic.directions_url, services))
    return rows


def _more_url(request: HttpRequest, limit: int) -> str:
    query: QueryDict = request.GET.copy()
    query["limit"] = str(min(limit + 10, MAX_LIMIT))
    return f"{reverse('clinics:find')}?{query.urlencode()}"


def _search_summary(params: SearchParams, found: NearbyClinics, context: dict[str, Any]) -> str:
    """The search in one line, for a phone: "61265 · 25 mi · Any service"."""
    near_you = found.origin.precision == Precision.POINT
    place = (params.text or "").strip() or (gettext("Near you") if near_you else found.place)
    chosen = [option.label for option in context.get("service_options", []) if option.selected]
    what = params.condition.name if params.condition else (chosen[0] if chosen else gettext("Any service"))
    parts = [place[:40], gettext("{miles} mi").format(miles=f"{params.radius_miles:g}"), what]
    if params.open_now:
        parts.append(gettext("Open now"))
    return " · ".join(parts)


def _typed_place_wins(query: QueryDict) -> QueryDict:
    """On the results page, a place typed in the box is newer than the position the form keeps (its hidden lat
    and lng, after "Use my location"): the typed place is searched. The API keeps its rule (coordinates win).

    A box holding a condition and no place ("vertigo") searches for it near the position. Just after "Use my
    location" (``located``: site.js sets it), the position is the place whatever the box holds, and only a
    condition named in the box is kept."""
    if "q" not in query or ("lat" not in query and "lng" not in query):
        return query
    typed = query.copy()
    text = (query.get("q") or "").strip()
    read = read_text(text) if text else None
    if read is not None and read.place and parse_flag(query.get("located")) is not True:
        typed.pop("lat", None)
        typed.pop("lng", None)
    elif read is not None and read.condition is not None:
        typed["q"] = read.condition.name  # the position is the place; the condition stays in the box
    else:
        typed.pop("q", None)  # the box left empty (or naming only a place, just after "Use my location")
    return typed


@require_safe
def find(request: HttpRequest) -> HttpResponse:
    """The shareable results page, /find/?q=61265&service=...; a bad link gets a message, never an error page."""
    if not any(name in request.GET for name in SEARCH_PARAMS):
        return render(request, "clinics/find.html", {"searched": False, "prompt": True, **search_form_context()})
    query = _typed_place_wins(request.GET)
    parsed = parse_search(query)
    context: dict[str, Any] = {"searched": True}
    if isinstance(parsed, InvalidSearch):
        context["form_errors"] = [
            (name, name in LINKED_FIELDS, message) for name, messages in parsed.errors.items() for message in messages
        ]
        context.update(search_form_context(query, parsed.chosen, parsed.errors))
        return render(request, "clinics/find.html", context, status=400)
    context.update(search_form_context(query, parsed))
    wait = search_wait(request)
    if wait is not None:
        context["rate_limited"] = True
        context["retry_after"] = wait
        response = render(request, "clinics/find.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    found = search_nearby(parsed)
    if isinstance(found, GeocodeFailure):
        context["failure"] = found
    else:
        if request.method == "GET":  # a HEAD (a link preview) is nobody searching
            record_search(found, condition=parsed.condition.slug if parsed.condition else "")
        context.update(_results_context(request, found, parsed.limit, parsed.radius_miles))
        context["heading"] = parsed.condition.treated if parsed.condition else gettext("Clinics")
        context["search_summary"] = _search_summary(parsed, found, context)
    return render(request, "clinics/find.html", context)


def _results_context(request: HttpRequest, found: NearbyClinics, limit: int, radius: float) -> dict[str, Any]:
    matches = found.result.matches
    rows = result_rows(matches, search_area(found.origin), found.result.query.services)
    count = len(rows)
    within = found.result.any_within_radius
    origin = found.origin
    if not count:
        summary = gettext("No clinics found.")
    elif within:
        summary = ngettext(
            "{count} clinic within {radius} miles, nearest first.",
            "{count} clinics within {radius} miles, nearest first.",
            count,
        ).format(count=count, radius=f"{radius:g}")
    else:
        summary = ngettext(
            "{count} nearest clinic, all farther than {radius} miles.",
            "{count} nearest clinics, all farther than {radius} miles.",
            count,
        ).format(count=count, radius=f"{radius:g}")
    return {
        "nearby": found,
        "origin": origin,
        "rows": rows,
        "count": count,
        "within_radius": within,
        "radius": radius,
        "summary": summary,
        "any_approximate": any(row.clinic.location_is_approximate for row in rows),
        "more_url": _more_url(request, limit) if within and count == limit and limit < MAX_LIMIT else "",
        "leaflet_options": leaflet_options(),
    }


# --- The clinic list (/clinics/): laid out by clinics/listing.py, counted by clinics/counts.py ------------


@require_safe
def clinic_list(request: HttpRequest) -> HttpResponse:
    """Every clinic grouped by state while there are few; else the states, and each state's clinics in pages."""
    wait = page_wait(request, AnonThrottle())
    if wait is not None:
        return _too_many_requests(request, wait)
    directory = state_counts.get()
    wanted = parse_list_request(request.GET)
    if isinstance(wanted, ListProblem):
        return _state_index(request, directory, wanted)
    if wanted.state:
        return _state_page(request, directory, wanted.state, wanted.page)
    if wanted.page != 1:
        return _state_index(request, directory, ListProblem(404, gettext("The list of clinics has only one page.")))
    if lists_every_clinic(directory):
        # Counted a few seconds ago at most; the query is bounded all the same, should the directory have grown.
        clinics = list(Clinic.objects.public().only(*CARD_FIELDS)[: settings.CLINIC_LIST_ALL_MAX + 1])
        if len(clinics) <= settings.CLINIC_LIST_ALL_MAX:
            return _every_clinic(request, clinics)
        return _state_index(request, directory, state_pages=True)
    return _state_index(request, directory)


# What a clinic's card shows (ClinicCard), so a list reads no more than it needs of each row.
CARD_FIELDS = (
    "name",
    "slug",
    "street",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "phone",
    "notice",
    "schedule_url",
    "status",
    "closure_reason",
    "reopens_on",
)


def _every_clinic(request: HttpRequest, clinics: list[Clinic]) -> HttpResponse:
    """Every active clinic, grouped by state under its full name."""

    def state_name(clinic: Clinic) -> str:
        return US_STATES.get(clinic.state, clinic.state)

    clinics.sort(key=lambda c: (state_name(c), c.city, c.name))
    groups = [(state, [clinic_card(c) for c in members]) for state, members in groupby(clinics, key=state_name)]
    return render(
        request,
        "clinics/clinic_list.html",
        {
            "groups": groups,
            "clinic_count": len(clinics),
            "states_text": human_join([state for state, _ in groups]),
            "canonical_url": public_url(request, reverse("clinics:list")),
        },
    )


def _state_index(
    request: HttpRequest, directory: Directory, problem: ListProblem | None = None, *, state_pages: bool = False
) -> HttpResponse:
    """The states with their counts, each leading to its clinics; with what was wrong, for a bad link.

    ``state_pages`` links each state to its own pages even if the counts say the one list would do.
    """
    return render(
        request,
        "clinics/clinic_index.html",
        {
            "states": [
                (state, state_page_url(state.code) if state_pages else state_list_url(state.code, directory))
                for state in directory.states
            ],
            "clinic_count": directory.total,
            "clinic_count_text": f"{directory.total:,}",
            "state_count": len(directory.states),
            "problem": problem,
            "canonical_url": public_url(request, reverse("clinics:list")),
        },
        status=problem.status if problem else 200,
    )


def _state_page(request: HttpRequest, directory: Directory, code: str, number: int) -> HttpResponse:
    """One state's active clinics by city and name, CLINIC_LIST_PAGE_SIZE to a page."""
    name = US_STATES[code]
    clinics = Clinic.objects.public().filter(state=code).order_by("city", "name", "slug").only(*CARD_FIELDS)
    paginator = Paginator(clinics, settings.CLINIC_LIST_PAGE_SIZE)
    if paginator.count == 0:
        message = gettext("There are no Rock Valley Physical Therapy clinics in {state}.").format(state=name)
        return _state_index(request, directory, ListProblem(404, message))
    if number > paginator.num_pages:
        last = paginator.num_pages
        message = ngettext(
            "The clinics in {state} fill {pages} page, so there is no page {number}.",
            "The clinics in {state} fill {pages} pages, so there is no page {number}.",
            last,
        ).format(state=name, pages=last, number=number)
        link_text = gettext("Go to the last page of clinics in {state}").format(state=name)
        return _state_index(request, directory, ListProblem(404, message, (state_page_url(code, last), link_text)))
    page = paginator.page(number)
    page_links = [
        (item, state_page_url(code, item) if isinstance(item, int) else "")
        for item in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
    ]
    return render(
        request,
        "clinics/clinic_state.html",
        {
            "state_code": code,
            "state_name": name,
            "cities": [
                (city, [clinic_card(clinic) for clinic in members])
                for city, members in groupby(page.object_list, key=lambda clinic: clinic.city)
            ],
            "page": page,
            "page_count": paginator.num_pages,
            "page_links": page_links,
            "clinic_count": paginator.count,
            "clinic_count_text": f"{paginator.count:,}",
            "first_text": f"{page.start_index():,}",
            "last_text": f"{page.end_index():,}",
            "previous_url": state_page_url(code, number - 1) if page.has_previous() else "",
            "next_url": state_page_url(code, number + 1) if page.has_next() else "",
            "list_url": reverse("clinics:list"),
            "state_url": state_page_url(code),
            "canonical_url": public_url(request, state_page_url(code, number)),
        },
    )


def _too_many_requests(request: HttpRequest, seconds: int) -> HttpResponse:
    """A page saying to wait, with Retry-After (whole seconds, at least one) for browsers and crawlers."""
    response = render(request, "clinics/too_many_requests.html", {"retry_after": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_safe
def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One public clinic's page."""
    clinic = get_object_or_404(Clinic.objects.public().with_current_services(), slug=slug)
    return _clinic_page(request, clinic)


@require_safe
@staff_member_required
def clinic_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Any clinic's page as visitors would see it once public, for staff only (a draft before publishing it).

    Marked "Preview — not public" and kept out of search engines (noindex, and not in the sitemap).
    """
    clinic = get_object_or_404(Clinic.objects.prefetch_related(current_services()), slug=slug)
    response = _clinic_page(request, clinic, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


# Why visitors cannot see a clinic, for the staff preview's banner.
HIDDEN_AS: dict[str, StrOrPromise] = {
    ClinicStatus.DRAFT: gettext_lazy("a draft"),
    ClinicStatus.RETIRED: gettext_lazy("retired"),
}


def _clinic_page(request: HttpRequest, clinic: Clinic, *, preview: bool = False) -> HttpResponse:
    """A clinic's page. Its week is read once (as plain rows) and gives the status, the table and the JSON-LD."""
    hours = Week.of(
        clinic.hours.values_list("weekday", "opens", "closes"),
        clinic.timezone,
        clinic.special_hours.filter(date__gte=recent_cutoff()).values_list("date", "label", "opens", "closes"),
        temporarily_closed=clinic.is_temporarily_closed,
    )
    status = hours.status()
    week = hours.table()
    zone = hours.zone
    url = clinic.get_absolute_url()
    page_url = public_url(request, url)
    schedule_url = web_url(clinic.bookable_schedule_url)  # none while temporarily closed
    services = list(clinic.services.all())
    return render(
        request,
        "clinics/clinic_detail.html",
        {
            "clinic": clinic,
            "preview": preview,
            "hidden_as": HIDDEN_AS.get(clinic.status, ""),
            "upcoming": hours.upcoming(),
            "schedule_url": schedule_url,
            "schedule_link": schedule_link(clinic.slug) if schedule_url else "",
            "website_url": web_url(clinic.website_url),
            "status": status,
            "week": week,
            "has_hours": any(day.intervals for day in week),
            "today": status.local_time.weekday(),
            "zone_name": ZONE_NAMES.get(zone.key, zone.key.replace("_", " ")),
            "zone_abbreviation": status.local_time.tzname() or "",
            "services": services,
            "conditions": catalogue.get().treated_by(service.slug for service in services),
            "state_name": US_STATES.get(clinic.state, clinic.state),
            "state_url": state_list_url(clinic.state, state_counts.get()),
            "url": url,
            "phone_tel": clinic.phone_tel,
            "canonical_url": page_url,
            "jsonld": jsonld_script(clinic_jsonld(clinic, page_url=page_url, week=week)),
            "leaflet_options": leaflet_options() if clinic.is_located else None,
            "description": _clinic_description(clinic, services),
        },
    )


def _clinic_description(clinic: Clinic, services: list[Service]) -> str:
    where = f"{clinic.city}, {US_STATES.get(clinic.state, clinic.state)}"
    if clinic.schedule_url:
        text = gettext("Rock Valley Physical Therapy in {where}: address, phone, opening hours and online scheduling.")
    else:
        text = gettext("Rock Valley Physical Therapy in {where}: address, phone, opening hours.")
    text = text.format(where=where)
    if services:
        text += " " + gettext("Services: {services}.").format(services=", ".join(s.name for s in services))
    return text


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /go/",
        "",
        f"Sitemap: {public_url(request, reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- Errors (wired in locator/urls.py for every non-API path) ------------------------------------


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A way back in (search, the clinic list) instead of a dead end; no database needed."""
    return render(request, "404.html", status=404)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The database is unreachable: a friendly 503 that asks browsers and crawlers to come back soon."""
    try:
        body = loader.get_template("503.html").render(
            {"retry_path": request.get_full_path(), "request_id": current_request_id()}
        )
    except Exception:  # the error page itself must never fail
        log.exception("503.html could not be rendered")
        body = "<h1>{}</h1><p>{}</p>".format(
            gettext("Clinic search is briefly unavailable"), gettext("Please try again in a minute.")
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context and no database: whatever broke may be one of them."""
    try:
        return HttpResponseServerError(loader.get_template("500.html").render({"request_id": current_request_id()}))
    except Exception:  # the error page itself must never fail
        log.exception("500.html could not be rendered")
        return HttpResponseServerError(
            "<h1>{}</h1><p>{}</p>".format(gettext("Something went wrong"), gettext("Please try again in a moment."))
        )


# --- Conditions: what patients name, and the clinics whose services treat it ------------------------------

CONDITION_CLINICS_SHOWN = 24


@require_safe
def condition_index(request: HttpRequest) -> HttpResponse:
    """Every condition in the catalogue, each leading to its page."""
    return render(
        request,
        "clinics/condition_index.html",
        {
            "conditions": in_reading_order(
                Condition.objects.order_by(localized("name", DEFAULT_LANGUAGE)).only("name", "slug", "description"),
                lambda condition: condition.name,
            ),
            "canonical_url": public_url(request, reverse("clinics:conditions")),
        },
    )


@require_safe
def condition_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A condition's page, for articles about it to link to: what it is, the services, the search, the clinics.

    The clinics are the first few by state and city (bounded at any directory size); the search box, set to the
    condition, finds the nearest.
    """
    condition = get_object_or_404(Condition.objects.prefetch_related("services"), slug=slug)
    services = [service for service in condition.services.all() if not service.is_retired]
    offered = state_counts.get().offered_slugs
    clinics = list(
        Clinic.objects.public()
        .filter(services__in=services)
        .distinct()
        .order_by("state", "city", "name")
        .only(*CARD_FIELDS)[: CONDITION_CLINICS_SHOWN + 1]
    )
    return render(
        request,
        "clinics/condition.html",
        {
            **search_form_context(),
            "condition_choice": catalogue.get().by_slug.get(condition.slug),
            "condition": condition,
            "treated": condition.treated,
            # Only services some clinic offers: "How we can help" must not promise one no clinic lists.
            "services": [service for service in services if service.slug in offered],
            "cards": [clinic_card(clinic) for clinic in clinics[:CONDITION_CLINICS_SHOWN]],
            "more_clinics": len(clinics) > CONDITION_CLINICS_SHOWN,
            "canonical_url": public_url(request, condition.get_absolute_url()),
        },
    )
