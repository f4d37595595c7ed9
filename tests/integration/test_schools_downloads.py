"""Downloads: counted per file and per resource, private for unpublished resources, reported."""

import csv
import io
import zipfile

import pytest
from django.db import IntegrityError
from wagtail.models import Collection

from schools.models import DownloadCount
from tests.factories.schools import (
    LearningResourcePageFactory,
    ResourceDocumentFactory,
    ResourceIndexPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(home_page):
    return ResourceIndexPageFactory()


def counts(resource):
    return {row.file_key: row.count for row in DownloadCount.objects.filter(resource=resource)}


def zip_url(resource):
    return f"/schools/resources/{resource.pk}/download-all/"


def test_file_and_zip_downloads_are_counted_per_document_and_resource(client, library):
    resource = LearningResourcePageFactory(parent=library, files=2)
    first, second = [item.document for item in resource.files.all()]
    response = client.get(f"{first.url}?resource={resource.pk}")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert counts(resource) == {f"document-{first.pk}": 1}

    response = client.get(zip_url(resource))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert counts(resource) == {f"document-{first.pk}": 1, "zip": 1}

    client.get(first.url)
    client.get(second.url)
    client.head(second.url)  # not a download
    assert counts(resource) == {f"document-{first.pk}": 2, f"document-{second.pk}": 1, "zip": 1}
    row = DownloadCount.objects.get(resource=resource, file_key="zip")
    assert row.month.day == 1
    # Nothing about who downloaded is kept: the table has no such column.
    columns = {field.name for field in DownloadCount._meta.get_fields()}
    assert columns == {"id", "resource", "document", "file_key", "month", "count"}


def test_zip_contains_exactly_the_resource_files(client, library):
    resource = LearningResourcePageFactory(parent=library, files=3)
    LearningResourcePageFactory(parent=library, files=2)  # another resource's files stay out
    response = client.get(zip_url(resource))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    expected = {item.document.filename: item.document for item in resource.files.all()}
    assert sorted(archive.namelist()) == sorted(expected)
    for name, document in expected.items():
        with document.file.open("rb") as handle:
            assert archive.read(name) == handle.read()


def test_zip_names_clashing_files_apart(client, library):
    one = ResourceDocumentFactory(title="Sheet")
    two = ResourceDocumentFactory(title="Sheet")
    resource = LearningResourcePageFactory(parent=library, files=[one, two])
    names = zipfile.ZipFile(io.BytesIO(client.get(zip_url(resource)).content)).namelist()
    assert len(names) == 2 and len(set(names)) == 2


def test_record_is_an_atomic_upsert(library):
    resource = LearningResourcePageFactory(parent=library, files=[])
    DownloadCount.record(resource.pk, None)
    DownloadCount.record(resource.pk, None)
    assert counts(resource) == {"zip": 2}
    # A second row for the same resource, file and month is impossible.
    with pytest.raises(IntegrityError):
        DownloadCount.objects.create(
            resource=resource, file_key="zip", month=DownloadCount.objects.get().month
        )


def test_record_recovers_when_another_worker_inserts_first(library, monkeypatch):
    resource = LearningResourcePageFactory(parent=library, files=[])
    DownloadCount.record(resource.pk, None)
    # Simulate the race: our update finds no row, then the insert collides.
    original_filter = DownloadCount.objects.filter
    calls = {"n": 0}

    class FirstUpdateMisses:
        def __init__(self, queryset):
            self.queryset = queryset

        def update(self, **kwargs):
            calls["n"] += 1
            if calls["n"] == 1:
                return 0
            return self.queryset.update(**kwargs)

    monkeypatch.setattr(
        DownloadCount.objects, "filter", lambda *a, **k: FirstUpdateMisses(original_filter(*a, **k))
    )
    DownloadCount.record(resource.pk, None)
    monkeypatch.undo()
    assert counts(resource) == {"zip": 2}


def test_files_of_an_unpublished_resource_are_not_downloadable(client, library):
    resource = LearningResourcePageFactory(parent=library, files=2)
    document = resource.files.first().document
    assert client.get(document.url).status_code == 200
    assert client.get(zip_url(resource)).status_code == 200

    resource.unpublish()
    assert client.get(document.url).status_code == 404
    assert client.get(f"{document.url}?resource={resource.pk}").status_code == 404
    assert client.get(zip_url(resource)).status_code == 404

    draft = LearningResourcePageFactory(parent=library, live=False, files=1)
    assert client.get(draft.files.first().document.url).status_code == 404
    assert client.get(zip_url(draft)).status_code == 404
    # Refused requests are not counted: only the two before unpublishing are.
    assert counts(resource) == {f"document-{document.pk}": 1, "zip": 1}
    assert counts(draft) == {}


def test_a_file_shared_with_a_live_resource_stays_downloadable(client, library):
    shared = ResourceDocumentFactory(title="Shared glossary")
    live = LearningResourcePageFactory(parent=library, files=[shared])
    LearningResourcePageFactory(parent=library, live=False, files=[shared])
    assert client.get(shared.url).status_code == 200
    assert counts(live) == {f"document-{shared.pk}": 1}


def test_library_collection_files_are_private_until_a_live_resource_uses_them(client, library):
    collection = Collection.get_first_root_node().add_child(name="Learning resources")
    library.files_collection = collection
    library.save()
    uploaded_for_a_draft = ResourceDocumentFactory(title="Not yet used", collection=collection)
    elsewhere = ResourceDocumentFactory(title="Council report")
    assert client.get(uploaded_for_a_draft.url).status_code == 404
    assert client.get(elsewhere.url).status_code == 200
    LearningResourcePageFactory(parent=library, files=[uploaded_for_a_draft])
    assert client.get(uploaded_for_a_draft.url).status_code == 200


def test_editors_can_download_drafts_without_counting(admin_client, library):
    draft = LearningResourcePageFactory(parent=library, live=False, files=1)
    document = draft.files.first().document
    assert admin_client.get(document.url).status_code == 200
    assert admin_client.get(zip_url(draft)).status_code == 200
    assert not DownloadCount.objects.exists()


def test_unknown_resource_zip_is_not_found(client, library):
    assert client.get("/schools/resources/999999/download-all/").status_code == 404


def test_staff_report_by_resource_and_month_with_csv_export(admin_client, client, library):
    resource = LearningResourcePageFactory(parent=library, title="Voting basics", files=1)
    document = resource.files.first().document
    DownloadCount.record(resource.pk, document.pk)
    DownloadCount.record(resource.pk, document.pk)
    DownloadCount.record(resource.pk, None)
    response = admin_client.get("/admin/reports/learning-resource-downloads/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voting basics" in html
    assert DownloadCount.objects.first().month.strftime("%Y-%m") in html  # the Month column

    export = admin_client.get("/admin/reports/learning-resource-downloads/?export=csv")
    assert export.status_code == 200
    content = b"".join(export.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    month = DownloadCount.objects.first().month.strftime("%Y-%m")
    assert rows == [
        {
            "Month": month,
            "Resource": "Voting basics",
            "Single files": "2",
            "Download all (zip)": "1",
            "Total": "3",
        }
    ]
    # The public cannot see it.
    assert client.get("/admin/reports/learning-resource-downloads/").status_code == 302


def test_report_needs_the_view_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/reports/learning-resource-downloads/").status_code in (302, 403)
    user.user_permissions.add(Permission.objects.get(codename="view_downloadcount"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get("/admin/reports/learning-resource-downloads/").status_code == 200
