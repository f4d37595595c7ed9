"""Documents reach the public only through Wagtail's serve view, on disk and on S3.

No public URL maps onto the documents folder: the media path of every file
answers 404 whether its resource is live or not, so the serve view's privacy
(collection restrictions, the schools' unpublished-resource rule) is the only
way in. Only image renditions are served from the media folder.
"""

from pathlib import Path

import pytest
from django.conf import settings
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import ImageFactory
from tests.factories.schools import (
    LearningResourcePageFactory,
    ResourceDocumentFactory,
    ResourceIndexPageFactory,
)
from tests.helpers.s3 import PUBLIC_DOMAIN, fake_s3_storages

pytestmark = pytest.mark.django_db

BUCKET = "ourplaces-test-documents"


@pytest.fixture
def library(home_page):
    return ResourceIndexPageFactory()


def media_paths(name: str) -> list[str]:
    """The ways a file stored under this name could be guessed at under MEDIA_URL."""
    return [
        settings.MEDIA_URL + name,
        settings.MEDIA_URL + "documents/" + Path(name).name,
        settings.MEDIA_URL + "images/../" + name,
        settings.MEDIA_URL + "images/%2e%2e/" + name,
        settings.MEDIA_URL + "images/..%2f" + name,
        settings.MEDIA_URL + "images/....//" + name,
    ]


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_an_unpublished_resources_file_is_reachable_by_no_url(client, library):
    draft = LearningResourcePageFactory(parent=library, live=False, files=1)
    document = draft.files.first().document
    with document.file.open("rb") as handle:
        secret = handle.read()
    assert Path(document.file.path).exists()

    assert client.get(document.url).status_code == 404
    assert client.get(f"{document.url}?resource={draft.pk}").status_code == 404
    for url in media_paths(document.file.name):
        response = client.get(url)
        assert response.status_code == 404, url
        assert secret not in body(response)


def test_a_published_resources_file_is_served_only_through_the_serve_view(client, library):
    resource = LearningResourcePageFactory(parent=library, files=1)
    document = resource.files.first().document
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"Example resource file" in body(response)
    for url in media_paths(document.file.name):
        assert client.get(url).status_code == 404, url


def test_a_private_collections_document_needs_its_password(client, home_page):
    collection = Collection.get_first_root_node().add_child(name="Councillors only")
    CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="a-shared-secret",
    )
    document = ResourceDocumentFactory(title="Private briefing", collection=collection)
    response = client.get(document.url)
    assert response.status_code == 200  # the password form, not the file
    assert b"Example resource file" not in body(response)
    for url in media_paths(document.file.name):
        assert client.get(url).status_code == 404, url


def test_only_image_renditions_are_served_from_the_media_folder(client, home_page):
    image = ImageFactory()
    rendition = image.get_rendition("width-100")
    assert rendition.url.startswith(settings.MEDIA_URL + "images/")
    assert client.get(rendition.url).status_code == 200
    # The original upload (with whatever metadata it carries) is not served.
    assert client.get(settings.MEDIA_URL + image.file.name).status_code == 404
    assert client.get(settings.MEDIA_URL + "images/").status_code == 404  # no listing


def test_on_s3_documents_are_private_objects_served_only_through_the_view(
    client, library, settings, monkeypatch
):
    with fake_s3_storages(settings, monkeypatch, BUCKET) as s3:
        draft = LearningResourcePageFactory(parent=library, live=False, files=1)
        live = LearningResourcePageFactory(parent=library, files=1)
        hidden = draft.files.first().document
        shown = live.files.first().document
        stored = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
        assert stored == {hidden.file.name, shown.file.name}
        for document in (hidden, shown):
            grants = s3.get_object_acl(Bucket=BUCKET, Key=document.file.name)["Grants"]
            assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
            # The storage's own address is signed and short-lived, never the public domain.
            assert "X-Amz-Signature=" in document.file.url
            assert PUBLIC_DOMAIN not in document.file.url
            for url in media_paths(document.file.name):
                assert client.get(url).status_code == 404, url

        assert client.get(hidden.url).status_code == 404
        response = client.get(shown.url)
        assert response.status_code == 200
        assert b"Example resource file" in body(response)
