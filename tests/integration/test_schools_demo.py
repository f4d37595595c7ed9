"""The schools demo content: a believable library with real files, loaded idempotently."""

import pytest
from wagtail.models import Site
from wagtailmenus.models import MainMenu, MainMenuItem

from home import demo_loader
from places import demo as places_demo
from schools import demo
from schools.models import LearningResourcePage, School, SchoolsIndexPage

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_again_changes_nothing(home_page, client):
    # The example schools name their wards, which the places demo loads first.
    demo_loader.AppData(places_demo.__file__, print).load_rows()
    example_schools = [
        row
        for row in demo_loader.read(demo_loader.data_file(demo.__file__))["row"]
        if row["model"] == "schools.School"
    ]
    messages = []
    demo.load(messages.append)
    resources = LearningResourcePage.objects.live()
    assert resources.count() >= 20
    stages = set(resources.values_list("key_stages__code", flat=True))
    assert stages == {"ks1", "ks2", "ks3", "ks4", "ks5", "adult"}
    assert len(set(resources.values_list("tags__slug", flat=True))) >= 5
    for resource in resources:
        assert "example" in resource.summary.lower()
        files = list(resource.files.select_related("document"))
        assert files, resource.title
        response = client.get(files[0].document.url)
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert content, resource.title
        if files[0].document.file_extension == "pdf":
            assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert len(example_schools) == 8
    assert School.objects.count() == len(example_schools)
    assert all("(example)" in name for name in School.objects.values_list("name", flat=True))
    programme = SchoolsIndexPage.objects.get()
    menu = MainMenu.get_for_site(Site.objects.get(is_default_site=True))
    assert MainMenuItem.objects.filter(menu=menu, link_page=programme).count() == 1

    before = (LearningResourcePage.objects.count(), School.objects.count())
    demo.load(messages.append)
    assert (LearningResourcePage.objects.count(), School.objects.count()) == before
    assert MainMenuItem.objects.filter(menu=menu, link_page=programme).count() == 1
    assert any("already there" in message for message in messages)


def test_hand_written_pdf_has_a_correct_cross_reference_table():
    pdf = demo.make_pdf("Title (with brackets)", ["A line", "Another"])
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[startxref:].startswith(b"xref\n")
    offsets = [int(line.split()[0]) for line in pdf[startxref:].split(b"\n")[3:8] if line.strip()]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())
