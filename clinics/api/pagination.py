from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from clinics.links import public_url

# A whole number as the schema's "integer" is written: ASCII digits only (int() also reads " 5", "+5" and "٥").
WHOLE_NUMBER_RE = re.compile(r"[0-9]+")


class ClinicPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # page is a number, as documented; DRF's undocumented page=last is not read
    # Lazy, as DRF's own default is (its stubs say str): translated when the 404 is written, in the client's language.
    invalid_page_message = gettext_lazy(  # type: ignore[assignment]
        "There is no page {page_number} of these results; the first page is 1."
    )

    def get_page_size(self, request: Request) -> int:
        """A page_size that is not a whole number from 1 to 100 is an error, not silently ignored."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = int(raw) if WHOLE_NUMBER_RE.fullmatch(raw) else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        """A page that is not a whole number is a 400 (a page past the end stays a 404)."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not WHOLE_NUMBER_RE.fullmatch(raw):
            raise ValidationError({self.page_query_param: ["Enter a page number: a whole number from 1."]})
        return super().get_page_number(request, paginator)

    def _this_page_url(self) -> str:
        """This request's URL on the site's public address (SITE_URL), never on the Host header a client sent."""
        assert self.request is not None
        return public_url(self.request, self.request.get_full_path())

    def get_next_link(self) -> str | None:
        """As DRF's, on the public address."""
        if self.page is None or not self.page.has_next():
            return None
        return replace_query_param(self._this_page_url(), self.page_query_param, self.page.next_page_number())

    def get_previous_link(self) -> str | None:
        """As DRF's (page 1 without a page parameter), on the public address."""
        if self.page is None or not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self._this_page_url(), self.page_query_param)
        return replace_query_param(self._this_page_url(), self.page_query_param, number)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter["schema"]
            if parameter["name"] == self.page_size_query_param:
                schema.update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                schema.update(minimum=1)
        return parameters
