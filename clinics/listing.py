"""How the clinic list (/clinics/) is laid out at any size: which pages exist, their addresses, and reading a link.

Few clinics (the real chain, the demo): every one on one page, grouped by state. Many: an index of states
with their counts, leading to each state's clinics a page at a time (/clinics/?state=IA&page=2). The views
(clinics/views.py) and the sitemap (clinics/sitemaps.py) both follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext

from clinics.counts import Directory
from clinics.states import US_STATES


def lists_every_clinic(directory: Directory) -> bool:
    """Whether /clinics/ shows every clinic on one page (else an index of states)."""
    return directory.total <= settings.CLINIC_LIST_ALL_MAX


def state_page_url(code: str, page: int = 1) -> str:
    query = {"state": code} if page == 1 else {"state": code, "page": page}
    return f"{reverse('clinics:list')}?{urlencode(query)}"


def state_list_url(code: str, directory: Directory) -> str:
    """Where a state's clinics are listed: its heading on the one list, or its own pages."""
    if lists_every_clinic(directory):
        return f"{reverse('clinics:list')}#state-{slugify(US_STATES.get(code, code))}"
    return state_page_url(code)


@dataclass(frozen=True)
class ListRequest:
    state: str  # "IA"; "" for the whole list
    page: int


@dataclass(frozen=True)
class ListProblem:
    """A link to the list that cannot be answered, and what to tell the visitor."""

    status: int
    message: str
    link: tuple[str, str] | None = None  # (url, text) of a page that does exist


PAGE_RE = re.compile(r"^[0-9]{1,9}$")


def parse_list_request(query: QueryDict) -> ListRequest | ListProblem:
    """``state`` (a code, any case) and ``page`` (a whole number from 1), or why they cannot be read."""
    raw_state = query.get("state", "").strip()
    code = raw_state.upper()
    if raw_state and code not in US_STATES:
        shown = raw_state if len(raw_state) <= 20 else raw_state[:19] + "…"
        message = gettext("“{shown}” is not a US state code. Choose a state from the list below.").format(shown=shown)
        return ListProblem(400, message)
    raw_page = query.get("page", "1").strip()
    if not PAGE_RE.match(raw_page) or int(raw_page) < 1:
        return ListProblem(400, gettext("The page number must be a whole number from 1."))
    return ListRequest(code, int(raw_page))
