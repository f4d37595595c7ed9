from django.apps import AppConfig


class CouncillorPagesConfig(AppConfig):
    name = "councillor_pages"
    verbose_name = "Councillors"

    def ready(self):
        from councillor_pages.signals import engagement_opened

        engagement_opened.connect(
            on_engagement_opened, dispatch_uid="councillor_pages.engagement_opened"
        )


def on_engagement_opened(sender, *, ward_ids, title, url, opens_at=None, key=None, **kwargs):
    """Queue the ward councillors' notice; sending happens in a task, never in the request."""
    from councillor_pages.engagements import WardEngagement
    from councillor_pages.notifications import queue_engagement_notification

    queue_engagement_notification(
        WardEngagement(
            key=str(key or url),
            title=str(title),
            url=str(url),
            ward_ids=tuple(int(ward_id) for ward_id in ward_ids),
            opens_at=opens_at,
        )
    )
