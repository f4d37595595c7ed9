from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        # Hooks other apps read about wards (councillor pages); see the module.
        from engagement import caching, insight_sections, signals, ward_hooks  # noqa: F401

        # What engagement's events renew in the caches (home.invalidation).
        caching.connect_signals()
