from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView


class ClinicPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        """A page_size that is not a whole number from 1 to 100 is an error, not silently ignored."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        """A page that is not a whole number is a 400 (a page past the end stays a 404)."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.isdigit() and raw not in self.last_page_strings:
            raise ValidationError({self.page_query_param: ["Enter a page number: a whole number from 1."]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter["schema"]
            if parameter["name"] == self.page_size_query_param:
                schema.update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                schema.update(minimum=1)
        return parameters
