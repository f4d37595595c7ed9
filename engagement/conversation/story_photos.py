"""Photos sent in with stories: private until a moderator publishes the story.

- Sent: kept as sent in the private storage (`StorySubmission.photo`): no
  public URL, not in the image library editors browse.
- Moderated: staff who may edit or publish the story see it through
  `photo_as_sent`, an admin view that checks their page permissions.
- Published: publishing the story (approving it in its workflow, or publishing
  directly) publishes a re-encoded copy as a Wagtail image: orientation
  applied, then every byte of metadata (EXIF, GPS, text chunks, ICC) left
  behind. The original is deleted.
- Rejected, deleted or expired (`purge_conversation_data`): the original is
  deleted, and so is the published copy, with its renditions, unless the
  story is live.

Images over STORY_PHOTO_MAX_PIXELS are refused from their header, before
anything decodes them.
"""

from __future__ import annotations

import io
import mimetypes
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from PIL import Image, ImageOps
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.signals import page_published, workflow_rejected

from engagement.conversation.models import StoryPage, StorySubmission

STORY_PHOTO_COLLECTION = "Photos sent in with stories"


# --- On the way in ----------------------------------------------------------------


def max_pixels() -> int:
    return settings.STORY_PHOTO_MAX_PIXELS


def check_pixel_count(upload) -> None:
    """Refuse an image with too many pixels, reading only its header.

    Pillow reads the dimensions when it opens a file and decodes nothing until
    asked; it refuses outright (DecompressionBombError) anything over twice
    its own limit, which is a refusal here too. Files Pillow cannot open are
    left to the image field, which says they are not images.
    """
    limit = max_pixels()
    message = (
        f"The photo must be {limit / 1_000_000:g} megapixels or smaller. "
        "Make it smaller and choose it again"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        raise ValidationError(message, code="too_many_pixels") from None
    except Exception:  # noqa: BLE001 - not an image: the field's own check says so
        return
    finally:
        upload.seek(0)
    if width * height > limit:
        raise ValidationError(
            f"{message} (this one is {width:,} × {height:,} pixels)", code="too_many_pixels"
        )


# --- Seen by moderators -------------------------------------------------------------


def photo_as_sent_url(story) -> str:
    return reverse("conversation_story_photo_as_sent", args=[story.pk])


def pending_photo(story) -> StorySubmission | None:
    """The submission whose photo still waits for this story to be published, if any."""
    if story.pk is None:
        return None
    return StorySubmission.objects.filter(story_id=story.pk).exclude(photo="").first()


def may_moderate(user, story) -> bool:
    permissions = story.permissions_for_user(user)
    return permissions.can_edit() or permissions.can_publish()


def photo_as_sent(request, story_id):
    """The private photo, for staff who may edit or publish its story; never cached."""
    story = get_object_or_404(StoryPage, pk=story_id)
    if not may_moderate(request.user, story):
        raise PermissionDenied
    submission = pending_photo(story)
    if submission is None:
        raise Http404("This story has no photo waiting.")
    content_type = mimetypes.guess_type(submission.photo.name)[0] or "application/octet-stream"
    response = FileResponse(submission.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


def admin_urls():
    return [
        path(
            "conversation/stories/<int:story_id>/photo-as-sent/",
            photo_as_sent,
            name="conversation_story_photo_as_sent",
        )
    ]


# --- Published ----------------------------------------------------------------------


def clean_copy(handle) -> tuple[bytes, str]:
    """The image re-encoded with its orientation applied and no metadata at all."""
    with Image.open(handle) as original:
        source_format = original.format
        upright = ImageOps.exif_transpose(original)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        if source_format == "PNG":
            image, image_format = upright.convert("RGBA" if has_alpha else "RGB"), "PNG"
        else:
            image, image_format = upright.convert("RGB"), "JPEG"
    image.info = {}
    buffer = io.BytesIO()
    options = {"quality": 85, "optimize": True} if image_format == "JPEG" else {"optimize": True}
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue(), "jpg" if image_format == "JPEG" else "png"


def story_photo_collection() -> Collection:
    collection = Collection.objects.filter(name=STORY_PHOTO_COLLECTION).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=STORY_PHOTO_COLLECTION)
    return collection


def publish_photo(story: StoryPage, revision=None):
    """Publish the clean copy of the story's waiting photo on the page; delete the original."""
    submission = pending_photo(story)
    if submission is None:
        return None
    if story.image_id or not submission.publish_photo:
        # An editor chose another image, or there is no consent: the original just goes.
        _delete_private_file(submission)
        return None
    with submission.photo.open("rb") as handle:
        data, extension = clean_copy(handle)
    image = get_image_model()(
        title=f"Photo for the story: {story.title}"[:255],
        description=story.image_alt,
        collection=story_photo_collection(),
        file=ImageFile(io.BytesIO(data), name=f"story-photo-{uuid.uuid4().hex}.{extension}"),
    )
    image.save()
    submission.public_photo = image
    _delete_private_file(submission)
    # The page and the revision just published carry the image, so the next
    # edit starts from it.
    StoryPage.objects.filter(pk=story.pk).update(image=image)
    story.image = image
    revision = revision or story.live_revision
    if revision is not None:
        revision.content["image"] = image.pk
        revision.save(update_fields=["content"])
    return image


# --- Rejected, deleted, expired -----------------------------------------------------


def _delete_private_file(submission: StorySubmission) -> None:
    """Forget the original now; remove its file once the deletion is committed."""
    if not submission.photo:
        return
    storage, name = submission.photo.storage, submission.photo.name
    transaction.on_commit(lambda: storage.delete(name))
    submission.photo = ""
    if submission.pk is not None and StorySubmission.objects.filter(pk=submission.pk).exists():
        StorySubmission.objects.filter(pk=submission.pk).update(
            photo="", public_photo=submission.public_photo
        )


def discard_photos(submission: StorySubmission, *, keep_if_live: bool) -> None:
    """Delete the original, and the published copy unless its story is (and may stay) live."""
    _delete_private_file(submission)
    image = submission.public_photo
    if image is None:
        return
    live = keep_if_live and StoryPage.objects.filter(pk=submission.story_id, live=True).exists()
    if not live:
        StoryPage.objects.filter(image=image).update(image=None)
        image.delete()  # Wagtail removes its file and its renditions' files on commit


@receiver(page_published, sender=StoryPage)
def _publish_photo_with_story(sender, instance, revision=None, **kwargs):
    publish_photo(instance, revision)


@receiver(workflow_rejected)
def _discard_photo_of_rejected_story(sender, instance, **kwargs):
    story = instance.content_object
    if isinstance(story, StoryPage) or getattr(story, "specific_class", None) is StoryPage:
        for submission in StorySubmission.objects.filter(story_id=story.pk):
            discard_photos(submission, keep_if_live=True)


@receiver(pre_delete, sender=StoryPage)
def _discard_photo_of_deleted_story(sender, instance, **kwargs):
    for submission in StorySubmission.objects.filter(story_id=instance.pk):
        discard_photos(submission, keep_if_live=False)


@receiver(post_delete, sender=StorySubmission)
def _discard_photo_of_expired_submission(sender, instance, **kwargs):
    discard_photos(instance, keep_if_live=True)
