"""The benchmark's reference routes; config/urls.py includes them only when
BENCHMARK_ROUTES is on (see ../README.md)."""

from django.urls import path
from wagtail import views as wagtail_views

from tests.benchmarks.reference import views

urlpatterns = [
    path("__bench__/floor/", views.floor, name="bench_floor"),
    # Wagtail's own serve view, untouched, for the path "" of whichever Site the
    # Host header names: the minimal page answers for the host reference.bench.
    path("__bench__/wagtail/", wagtail_views.serve, {"path": ""}, name="bench_wagtail"),
    path("__bench__/submit/", views.submit, name="bench_submit"),
    path("__bench__/submit/done/", views.submitted, name="bench_submitted"),
]
