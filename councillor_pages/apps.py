from django.apps import AppConfig


class CouncillorPagesConfig(AppConfig):
    name = "councillor_pages"
    verbose_name = "Councillors"
