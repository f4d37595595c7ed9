from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Democracy Friendly Schools"

    def ready(self):
        from wagtail.documents.models import document_served

        from schools.signals import count_document_download

        document_served.connect(count_document_download, dispatch_uid="schools_count_download")

        from schools import caching

        caching.connect()
