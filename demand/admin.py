"""The search-demand report in the admin: the model's list page is the report (rows are never edited by hand)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from clinics.maps import leaflet_options
from demand.forms import report_form
from demand.models import SearchDemand
from demand.report import CSV_TABLES, MAX_AREAS_SHOWN, build_report, chart, csv_text, period_label


@admin.register(SearchDemand)
class SearchDemandAdmin(admin.ModelAdmin):
    """Read-only: the counts come only from searches; staff with the view permission see the report."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # only the retention purge deletes

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = report_form(request.GET)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": "Search demand",
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
        }
        if form.is_valid():
            report = build_report(form.report_query())
            table = request.GET.get("download", "")
            if table in CSV_TABLES:
                q = report.query
                response = HttpResponse(csv_text(report, table), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="search-demand-{table}-{q.start}-{q.end}.csv"'
                return response
            context.update(
                report=report,
                chart=chart(report),
                period_rows=[(period_label(p), p) for p in report.periods],
                areas_shown=report.areas[:MAX_AREAS_SHOWN],
                areas_hidden=max(len(report.areas) - MAX_AREAS_SHOWN, 0),
                map_points=[
                    {
                        "lat": row.latitude,
                        "lng": row.longitude,
                        "area": row.area,
                        "services": row.service_names,
                        "searches": row.searches,
                        "nearest": row.nearest_miles,
                    }
                    for row in report.unmet
                    if row.latitude is not None
                ],
                leaflet_options=leaflet_options(),
                choices=urlencode({name: form.data[name] for name in form.fields}),
            )
        return TemplateResponse(request, "admin/demand/report.html", context, status=200 if form.is_valid() else 400)
