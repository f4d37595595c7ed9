"""Who may download a resource's files, and counting downloads without recording who.

Files are Wagtail documents served by Wagtail's serve view. A document that
belongs to learning resources is public only while at least one of those
resources is live and public; a document in a library's files collection is
public only while a live resource uses it (so a file uploaded for a draft is
private even before the draft is saved). Editors may always download.
"""

import io
import zipfile

from django.db.models import Q
from django.http import Http404

from schools.models import LearningResourcePage, ResourceFile, ResourceIndexPage


def user_is_editor(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def public_resources_for_document(document):
    """Live, public resources using this document, oldest first."""
    return (
        LearningResourcePage.objects.live().public().filter(files__document=document).order_by("pk")
    )


def document_is_guarded(document) -> bool:
    """Whether the schools rules apply: it belongs to a resource or a library's collection."""
    library_collections = ResourceIndexPage.objects.filter(
        files_collection__isnull=False
    ).values_list("files_collection__path", flat=True)
    in_library_collection = Q()
    for collection_path in library_collections:
        in_library_collection |= Q(path__startswith=collection_path)
    if (
        in_library_collection
        and type(document.collection)
        .objects.filter(in_library_collection, pk=document.collection_id)
        .exists()
    ):
        return True
    return ResourceFile.objects.filter(document=document).exists()


def document_is_public(document) -> bool:
    if not document_is_guarded(document):
        return True
    return public_resources_for_document(document).exists()


def collection_allows(document, request) -> bool:
    return all(
        restriction.accept_request(request)
        for restriction in document.collection.get_view_restrictions()
    )


def build_zip(resource, request) -> tuple[bytes, list[str]]:
    """A zip of exactly the resource's files (those this request may see), and their names."""
    buffer = io.BytesIO()
    names: list[str] = []
    files = resource.files.select_related("document", "document__collection").order_by(
        "sort_order", "pk"
    )
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            document = item.document
            if not collection_allows(document, request):
                continue
            name = unique_name(document.filename, names)
            names.append(name)
            with document.file.open("rb") as handle:
                archive.writestr(name, handle.read())
    return buffer.getvalue(), names


def unique_name(filename: str, taken: list[str]) -> str:
    if filename not in taken:
        return filename
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    number = 2
    while True:
        candidate = f"{stem}-{number}{dot}{extension}"
        if candidate not in taken:
            return candidate
        number += 1


def get_downloadable_resource(request, resource_id: int):
    resource = LearningResourcePage.objects.filter(pk=resource_id).first()
    if resource is None:
        raise Http404("No such resource.")
    if user_is_editor(request):
        return resource
    if not LearningResourcePage.objects.live().public().filter(pk=resource_id).exists():
        raise Http404("No such resource.")
    return resource
