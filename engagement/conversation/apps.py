from django.apps import AppConfig


class ConversationConfig(AppConfig):
    """The "ongoing conversation" plugins of engagement: one package, its own app.

    Residents asked for an ongoing conversation about their places rather than
    stop-start consultations. This app holds the ways of keeping it going:
    citizens' stories, email alerts by place, "Was this page helpful?",
    community groups and civic crowdfunding projects. It depends on home and
    places only; engagement and councillor_pages feed it through hooks
    (see home.contracts.PLACE_ALERT_ITEMS).
    """

    name = "engagement.conversation"
    # The label from before it moved inside engagement: tables, migrations,
    # content types, permissions and URL names all carry it.
    label = "conversation"
    verbose_name = "Stories, alerts and community"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from engagement.conversation import story_photos  # noqa: F401 - connects its signal handlers
        from engagement.conversation.stories import route_workflow_submission_emails

        route_workflow_submission_emails()

        from engagement.conversation import caching

        caching.connect()

        # Pillow refuses to open anything over twice this (a decompression bomb).
        Image.MAX_IMAGE_PIXELS = max(
            settings.STORY_PHOTO_MAX_PIXELS, settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
        )
