"""Story photos stay private until a moderator publishes the story, on disk and on S3.

Every way an outsider could try to reach a photo is tried: the media folder
(by the stored name, by the folders Wagtail uses, by climbing out of the
renditions folder), the rendition URLs, the admin view that shows it to
moderators, and on S3 the object's own ACL and addresses.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from wagtail.images import get_image_model
from wagtail.images.models import Rendition
from wagtail.models import WorkflowState

from engagement.conversation.models import StoryPage, StorySubmission
from engagement.conversation.story_photos import STORY_PHOTO_COLLECTION, photo_as_sent_url
from tests.helpers.s3 import PUBLIC_DOMAIN, fake_s3_storages
from tests.helpers.story_admin import edit_form_data
from tests.helpers.story_photos import (
    EXIF_MARKER,
    UPRIGHT_SIZE,
    giant_png,
    has_metadata,
    jpeg_with_location,
)

pytestmark = pytest.mark.django_db

BUCKET = "ourplaces-test-media"


@pytest.fixture
def bare_admin(django_user_model):
    """Someone who can sign in to the admin and nothing more."""
    user = django_user_model.objects.create_user("bare", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a block's on-commit work (file deletions) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def send_story_with_photo(client, index, place, photo: bytes, name="photo.jpg", **changes):
    data = {
        "title": "We planted bulbs",
        "place": str(place.pk),
        "way": "be-a-good-neighbour",
        "summary": "Bulbs by the canal.",
        "story": "We planted bulbs.",
        "photo_alt": "Volunteers planting bulbs",
        "publish_photo": "on",
        "name": "",
        "email": "",
        "credit": "anonymous",
        "photo": SimpleUploadedFile(name, photo, content_type="image/jpeg"),
    }
    data.update(changes)
    return client.post(index.url + "tell-us-your-story/", data)


def decide(story, user, action):
    state = WorkflowState.objects.get(object_id=str(story.pk), status="in_progress")
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, user, action)


def public_urls_for(name: str) -> list[str]:
    """Every public path a file stored under this name could be guessed at."""
    base = Path(name).name
    return [
        settings.MEDIA_URL + name,
        settings.MEDIA_URL + "original_images/" + base,
        settings.MEDIA_URL + "story-photos/" + base,
        settings.MEDIA_URL + "images/" + base,
        settings.MEDIA_URL + "images/../" + name,
        settings.MEDIA_URL + "images/%2e%2e/" + name,
        settings.MEDIA_URL + "images/..%2f" + name,
        "/private-media/" + name,
    ]


def files_holding(root: Path, data: bytes) -> list[Path]:
    if not root.exists():
        return []
    return [path for path in root.rglob("*") if path.is_file() and path.read_bytes() == data]


def test_an_unmoderated_photo_is_private_and_out_of_the_library(
    client, index, place, moderator, bare_admin
):
    photo = jpeg_with_location()
    response = send_story_with_photo(client, index, place, photo)
    assert response.status_code == 302
    story = StoryPage.objects.get()
    submission = StorySubmission.objects.get()

    # Not in the image library, no renditions, nothing under the public media folder.
    assert not get_image_model().objects.exists()
    assert not Rendition.objects.exists()
    assert story.image is None
    assert files_holding(Path(settings.MEDIA_ROOT), photo) == []
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / submission.photo.name
    assert stored.read_bytes() == photo
    assert not stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "photo.jpg" not in submission.photo.name  # the sender's file name is not kept
    with pytest.raises(ValueError):
        submission.photo.url  # noqa: B018 - a private file has no URL

    for url in [*public_urls_for(submission.photo.name), story.url]:
        reply = client.get(url)
        assert reply.status_code == 404, url
        assert EXIF_MARKER.encode() not in reply.content

    # The admin view: not for the public, nor for staff who cannot edit stories.
    admin_url = photo_as_sent_url(story)
    reply = client.get(admin_url)
    assert reply.status_code == 302 and "/admin/login/" in reply["Location"]
    client.force_login(bare_admin)
    assert client.get(admin_url).status_code in (302, 403)
    client.force_login(moderator)
    reply = client.get(admin_url)
    assert reply.status_code == 200
    assert b"".join(reply.streaming_content) == photo
    assert "no-store" in reply["Cache-Control"]
    # The moderator sees it beside the story in the edit view, and in the preview.
    edit = client.get(f"/admin/pages/{story.pk}/edit/")
    assert admin_url in edit.content.decode()
    preview_url = f"/admin/pages/{story.pk}/edit/preview/"
    assert client.post(preview_url, edit_form_data(edit)).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert f'src="{admin_url}"' in preview.content.decode()


def test_publishing_the_story_publishes_a_clean_upright_copy(
    client, index, place, moderator, commit
):
    photo = jpeg_with_location()
    send_story_with_photo(client, index, place, photo)
    story = StoryPage.objects.get()
    private_path = Path(settings.PRIVATE_MEDIA_ROOT) / StorySubmission.objects.get().photo.name

    with commit():
        decide(story, moderator, "approve")

    story.refresh_from_db()
    assert story.live
    image = story.image
    assert image is not None
    assert image.collection.name == STORY_PHOTO_COLLECTION
    assert image.description == "Volunteers planting bulbs"
    with image.file.open("rb") as handle:
        public_copy = handle.read()
    assert has_metadata(public_copy) == []
    assert EXIF_MARKER.encode() not in public_copy
    assert Image.open(io.BytesIO(public_copy)).size == UPRIGHT_SIZE
    # The original is gone; the revision the next edit starts from has the image.
    assert not private_path.exists()
    assert StorySubmission.objects.get().photo.name == ""
    assert story.get_latest_revision_as_object().image_id == image.pk

    # The public sees a rendition; the copy's original file stays unserved.
    page_html = client.get(story.url).content.decode()
    rendition = Rendition.objects.get(image=image)
    assert rendition.url in page_html
    reply = client.get(rendition.url)
    assert reply.status_code == 200
    assert has_metadata(b"".join(reply.streaming_content)) == []
    assert client.get(settings.MEDIA_URL + image.file.name).status_code == 404
    client.force_login(moderator)
    assert client.get(photo_as_sent_url(story)).status_code == 404


def test_a_rejected_story_loses_its_photo(client, index, place, moderator, commit):
    photo = jpeg_with_location()
    send_story_with_photo(client, index, place, photo)
    story = StoryPage.objects.get()
    private_path = Path(settings.PRIVATE_MEDIA_ROOT) / StorySubmission.objects.get().photo.name
    assert private_path.exists()

    with commit():
        decide(story, moderator, "reject")

    assert not private_path.exists()
    assert StorySubmission.objects.get().photo.name == ""
    assert not get_image_model().objects.exists()
    client.force_login(moderator)
    assert client.get(photo_as_sent_url(story)).status_code == 404


def test_a_deleted_story_loses_its_published_photo_and_renditions(
    client, index, place, moderator, commit
):
    send_story_with_photo(client, index, place, jpeg_with_location())
    story = StoryPage.objects.get()
    with commit():
        decide(story, moderator, "approve")
    story.refresh_from_db()
    image = story.image
    rendition = image.get_rendition("width-20")
    files = [Path(image.file.path), Path(rendition.file.path)]
    assert all(path.exists() for path in files)
    assert client.get(rendition.url).status_code == 200

    with commit():
        story.delete()

    assert not get_image_model().objects.filter(pk=image.pk).exists()
    assert not Rendition.objects.filter(pk=rendition.pk).exists()
    assert not any(path.exists() for path in files)
    assert client.get(rendition.url).status_code == 404


def test_the_retention_purge_deletes_expired_uploads(client, index, place, settings, commit):
    send_story_with_photo(client, index, place, jpeg_with_location())
    submission = StorySubmission.objects.get()
    private_path = Path(settings.PRIVATE_MEDIA_ROOT) / submission.photo.name
    StorySubmission.objects.update(submitted_at=timezone.now() - timezone.timedelta(days=400))
    settings.CONVERSATION_SUBMISSION_RETENTION_DAYS = 365

    with commit():
        call_command("purge_conversation_data", verbosity=0, stdout=io.StringIO())

    assert not StorySubmission.objects.exists()
    assert not private_path.exists()
    assert StoryPage.objects.exists()  # the draft story itself stays


@pytest.mark.parametrize(("width", "height"), [(13_000, 13_000), (7_000, 7_000)])
def test_too_many_pixels_are_refused_beside_the_field(client, index, place, width, height):
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    files_before = set(private_root.rglob("*"))
    huge = giant_png(width, height)
    assert len(huge) < 200  # cheap to send: only the header says how big it is
    response = send_story_with_photo(client, index, place, huge, name="huge.png")
    assert response.status_code == 400
    html = response.content.decode()
    message = "The photo must be 40 megapixels or smaller"
    assert html.count(message) == 2  # in the summary and beside the field
    assert 'href="#id_photo"' in html
    assert 'id="id_photo-error"' in html
    error_at = html.index('id="id_photo-error"')
    assert message in html[error_at : error_at + 400]
    assert 'value="We planted bulbs"' in html  # what was typed is kept
    assert not StoryPage.objects.exists()
    assert not StorySubmission.objects.exists()
    assert set(private_root.rglob("*")) == files_before


# --- The same on S3-compatible storage -------------------------------------------------


@pytest.fixture
def s3(settings, monkeypatch):
    """The production storage declaration (config.storage) on an in-process S3 fake."""
    with fake_s3_storages(settings, monkeypatch, BUCKET) as client:
        yield client


def keys(client) -> set[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


def read(client, key) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def public_grants(client, key) -> list:
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]


def test_on_s3_a_photo_is_private_until_published_then_only_renditions_are_public(
    s3, client, index, place, moderator, commit
):
    photo = jpeg_with_location()
    assert send_story_with_photo(client, index, place, photo).status_code == 302
    story = StoryPage.objects.get()
    submission = StorySubmission.objects.get()
    private_key = "private/" + submission.photo.name
    assert keys(s3) == {private_key}
    assert read(s3, private_key) == photo
    assert public_grants(s3, private_key) == []
    # Any address the storage gives is signed, short-lived and not on the public domain.
    signed = storages["private"].url(submission.photo.name)
    assert "X-Amz-Signature=" in signed and PUBLIC_DOMAIN not in signed
    for url in public_urls_for(submission.photo.name):
        assert client.get(url).status_code == 404, url
    assert not get_image_model().objects.exists()

    client.force_login(moderator)
    reply = client.get(photo_as_sent_url(story))
    assert reply.status_code == 200 and b"".join(reply.streaming_content) == photo
    client.logout()

    with commit():
        decide(story, moderator, "approve")
    story.refresh_from_db()
    page_html = client.get(story.url).content.decode()
    rendition = Rendition.objects.get(image=story.image)
    assert rendition.url.startswith(f"https://{PUBLIC_DOMAIN}/images/"), rendition.url
    assert rendition.url in page_html
    original_key = story.image.file.name
    assert keys(s3) == {original_key, rendition.file.name}
    assert private_key not in keys(s3)
    assert has_metadata(read(s3, original_key)) == []
    assert has_metadata(read(s3, rendition.file.name)) == []
    # The copy's original is private too: signed URL, no public grant.
    assert "X-Amz-Signature=" in story.image.file.url
    assert PUBLIC_DOMAIN not in story.image.file.url
    assert public_grants(s3, original_key) == []

    with commit():
        story.delete()
    assert keys(s3) == set()


def test_on_s3_a_rejected_photo_is_deleted(s3, client, index, place, moderator, commit):
    send_story_with_photo(client, index, place, jpeg_with_location())
    story = StoryPage.objects.get()
    assert len(keys(s3)) == 1
    with commit():
        decide(story, moderator, "reject")
    assert keys(s3) == set()


PRINT_STORAGE_SETTINGS = """
import importlib, json, sys
settings = importlib.import_module("config.settings.production")
print(json.dumps({
    "storages": settings.STORAGES,
    "serve_media": settings.SERVE_MEDIA,
    "renditions": settings.WAGTAILIMAGES_RENDITION_STORAGE,
}))
"""


def test_production_with_a_bucket_keeps_uploads_private():
    """The production settings as a bucket turns them on: signed private storages."""
    import json

    from tests.unit.test_config_settings import run

    result = run(
        ["-c", PRINT_STORAGE_SETTINGS],
        DJANGO_SECRET_KEY="p" * 60,
        DJANGO_ALLOWED_HOSTS="ourplaces.example.org",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_CUSTOM_DOMAIN=PUBLIC_DOMAIN,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    storages_declared = values["storages"]
    assert values["serve_media"] is False
    assert values["renditions"] == "home.storage.get_rendition_storage"
    for alias in ("default", "private"):
        options = storages_declared[alias]["OPTIONS"]
        assert storages_declared[alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert options["querystring_auth"] is True
        assert options["custom_domain"] is None
        assert options["default_acl"] in (None, "private")
        assert options["bucket_name"] == BUCKET
    assert storages_declared["private"]["OPTIONS"]["location"] == "private"
    assert storages_declared["renditions"]["OPTIONS"]["custom_domain"] == PUBLIC_DOMAIN


def test_the_submission_record_in_the_admin_shows_no_link_to_the_file(
    client, index, place, admin_client
):
    send_story_with_photo(client, index, place, jpeg_with_location())
    submission = StorySubmission.objects.get()
    response = admin_client.get(f"/admin/conversation/storysubmission/inspect/{submission.pk}/")
    assert response.status_code == 200
    assert settings.MEDIA_URL + submission.photo.name not in response.content.decode()
    # Nobody edits the file or the published copy by hand: the moderation flow
    # owns them, and the record has no edit view at all.
    edit = admin_client.get(f"/admin/conversation/storysubmission/edit/{submission.pk}/")
    assert edit.status_code == 404
    assert not {"photo", "public_photo"} & {
        f.name for f in StorySubmission._meta.fields if f.editable
    }
