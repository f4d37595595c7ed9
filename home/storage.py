"""Storages model fields follow through settings: private uploads and public renditions.

See config.storage for which files live where and which have public addresses.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Local files with no address: only a view that checks permissions reads them."""

    @cached_property
    def base_location(self):
        # Read when first used, not when the model field is defined.
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")


class _StorageAlias(LazyObject):
    """One of settings.STORAGES, looked up when used and again after STORAGES changes.

    Model fields keep the storage they are given when models load; this lets
    them follow the settings instead, as Django's own `default_storage` does.
    """

    def __init__(self, alias):
        super().__init__()
        self.__dict__["_alias"] = alias

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]


private_storage = _StorageAlias("private")
rendition_storage = _StorageAlias("renditions")


def get_private_storage():
    """For FileField(storage=...): citizens' uploads waiting for a moderator."""
    return private_storage


def get_rendition_storage():
    """For WAGTAILIMAGES_RENDITION_STORAGE: the one storage with public addresses."""
    return rendition_storage


@receiver(setting_changed)
def _forget_storages(setting, **kwargs):
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT", "MEDIA_ROOT", "MEDIA_URL"}:
        private_storage._wrapped = empty
        rendition_storage._wrapped = empty
