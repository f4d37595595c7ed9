from django.apps import AppConfig


class CouncillorPagesConfig(AppConfig):
    name = "councillor_pages"
    verbose_name = "Councillors"

    def ready(self):
        from councillor_pages import caching  # noqa: F401 (registers its hooks)
