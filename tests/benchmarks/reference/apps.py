from django.apps import AppConfig


class BenchReferenceConfig(AppConfig):
    """Installed only when BENCHMARK_ROUTES is on (config/settings/base.py): never in
    production, never in the test suite."""

    name = "tests.benchmarks.reference"
    label = "benchreference"
    verbose_name = "benchmark references"
    default_auto_field = "django.db.models.BigAutoField"
