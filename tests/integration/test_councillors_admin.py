"""Editors can add councillors, and staff can read the postcode lookup and notice records."""

import pytest
from django.urls import reverse

from councillor_pages.models import Postcode
from tests.factories.councillor_pages import CouncillorIndexPageFactory, CouncillorPageFactory
from tests.factories.places import WardFactory

pytestmark = pytest.mark.django_db


def test_councillor_add_form_and_record_listings_load(home_page, admin_client):
    index = CouncillorIndexPageFactory(parent=home_page)
    councillor = CouncillorPageFactory()
    Postcode.objects.create(postcode="HD12AB", ward=WardFactory(name="Example Ward West"))

    add = admin_client.get(
        reverse("wagtailadmin_pages:add", args=("councillor_pages", "councillorpage", index.pk))
    )
    assert add.status_code == 200
    assert "Surgeries" in add.content.decode()
    assert (
        admin_client.get(reverse("wagtailadmin_pages:edit", args=(councillor.pk,))).status_code
        == 200
    )

    listing = admin_client.get("/admin/councillor_pages/postcode/")
    assert listing.status_code == 200
    assert "HD1 2AB" in listing.content.decode()
    for path in (
        "/admin/councillor_pages/engagementnotification/",
        "/admin/councillor_pages/digestdelivery/",
    ):
        assert admin_client.get(path).status_code == 200
