"""Public place insight, included at /results/ by the site's URLconf."""

from django.urls import path

from engagement import insight_views

urlpatterns = [
    path("", insight_views.overview, name="insight_overview"),
    path("district.csv", insight_views.district_csv, name="insight_district_csv"),
    path("district.json", insight_views.district_json, name="insight_district_json"),
    path(
        "<int:place_id>/round-<int:round_number>/",
        insight_views.results,
        name="insight_results",
    ),
    path(
        "<int:place_id>/round-<int:round_number>.csv",
        insight_views.results_csv,
        name="insight_results_csv",
    ),
    path(
        "<int:place_id>/round-<int:round_number>.json",
        insight_views.results_json,
        name="insight_results_json",
    ),
]
