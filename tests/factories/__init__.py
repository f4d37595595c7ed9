"""Test data factories (factory_boy and wagtail-factories), one module per app.

Images and documents go in Wagtail's root collection, as an editor's
uploads would; `wagtail_factories.ImageFactory` itself would add a new
root collection each time. Uploads land under settings.MEDIA_ROOT, which the
test settings put in var/test-media (tests/conftest.py gives each session
its own folder there and removes it afterwards).
"""

import factory
import wagtail_factories
from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.models import Collection, Page, Site


def root_collection() -> Collection:
    return Collection.get_first_root_node()


def default_site_root() -> Page:
    """The root page of the default Site: the home page once `home_page` has run."""
    return Site.objects.get(is_default_site=True).root_page.specific


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Example photograph {n}")
    description = factory.LazyAttribute(lambda image: f"{image.title}, described for alt text")
    collection = factory.LazyFunction(root_collection)
    file = factory.django.ImageField(
        width=640, height=360, color="#00594c", format="PNG", filename="example.png"
    )


class DocumentFactory(wagtail_factories.DocumentFactory):
    title = factory.Sequence(lambda n: f"Example report {n}")
    collection = factory.LazyFunction(root_collection)
    file = factory.LazyAttribute(
        lambda document: ContentFile(
            b"%PDF-1.4\n% An example document for tests\n",
            name=f"{slugify(document.title)}.pdf",
        )
    )


__all__ = ["DocumentFactory", "ImageFactory", "default_site_root", "root_collection"]
