"""Demo content for schools; the pages and example schools are in schools/demo_content.toml.

What stays here is generated: each example resource's files (a one-page PDF,
and a CSV answer sheet or a text script for some kinds), stored as documents
in the library's collection. Idempotent: documents are found by title in
that collection, and files are added only to a resource created in this run.
"""

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

from home import demo_loader
from schools.models import KeyStage, LearningResourcePage, ResourceFile

COLLECTION_NAME = "Learning resources (examples)"
EXAMPLE_NOTE = "This is an example resource made for the demonstration site."


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF written by hand: valid syntax with a correct cross-reference table."""

    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text_ops = ["BT", "/F1 18 Tf", "72 770 Td", f"({escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text_ops += ["0 -20 Td", f"({escape(line)}) Tj"]
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(output)
    output += f"xref\n0 {len(objects) + 1}\n".encode()
    output += b"0000000000 65535 f \n"
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(output)


def resource_files(page) -> list[tuple[str, str, bytes]]:
    """(title, filename, content) for a resource's example files."""
    title, slug, kind = page.title, page.slug, page.resource_type
    summary = page.summary.removesuffix(f" {EXAMPLE_NOTE}")
    objectives = page.learning_objectives.splitlines()
    lines = [
        "EXAMPLE RESOURCE - made for the Our Places demonstration site.",
        summary,
        f"Time needed: about {page.duration_minutes} minutes.",
        "Learning objectives:",
        *[f"- {objective}" for objective in objectives],
    ]
    files = [(f"{title} (example, PDF)", f"{slug}.pdf", make_pdf(title, lines))]
    if kind in ("worksheet", "activity"):
        csv_rows = ["question,your answer", *[f'"{objective}",' for objective in objectives]]
        answers = ("\n".join(csv_rows) + "\n").encode()
        files.append((f"{title}: answer sheet (example, CSV)", f"{slug}-answer-sheet.csv", answers))
    if kind in ("video", "assembly", "slides"):
        script = "\n".join([f"{title} - script (EXAMPLE)", "", summary, "", *objectives]) + "\n"
        files.append((f"{title}: script (example, text)", f"{slug}-script.txt", script.encode()))
    return files


def attach_files(page, _entry, *, collection) -> None:
    """Before a new resource is published: its example files, as documents."""
    if not isinstance(page, LearningResourcePage):
        return
    document_model = get_document_model()
    page.files = []
    for order, (title, filename, content) in enumerate(resource_files(page)):
        document = document_model.objects.filter(title=title, collection=collection).first()
        if document is None:
            document = document_model(title=title, collection=collection)
            document.file.save(filename, ContentFile(content), save=False)
            document._set_document_file_metadata()
            document.save()
        page.files.add(ResourceFile(document=document, sort_order=order))


def load(step):
    collection = Collection.objects.filter(name=COLLECTION_NAME).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=COLLECTION_NAME)
    KeyStage.ensure_all()
    demo_loader.load(
        __file__,
        step,
        before_publish=lambda page, entry: attach_files(page, entry, collection=collection),
    )
