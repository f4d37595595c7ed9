"""Where files live, and which of them may have a public address.

Three storages, the same on local disk and on S3-compatible storage:

- `default`: documents and original images. Private: on disk it is never
  served under MEDIA_URL (only `images/`, the renditions, is; see
  config.urls), and on S3 its objects are private and its URLs signed and
  short-lived. Documents reach the public only through Wagtail's serve view,
  which applies collection privacy and the schools' unpublished-resource rule.
- `renditions`: the resized copies Wagtail makes of images for pages. The only
  files with public addresses (MEDIA_URL `images/` locally, the public custom
  domain on S3: grant public read on the `images/` prefix only).
- `private`: citizens' uploads waiting for a moderator (story photos). Outside
  MEDIA_ROOT on disk, under a private prefix on S3, with no public URL at all:
  staff see them through a permission-checked admin view.
"""

from __future__ import annotations

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storages(
    *,
    bucket_name: str,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    custom_domain: str | None = None,
) -> dict:
    """STORAGES entries for one S3-compatible bucket: private by default, renditions public."""
    common = {
        "bucket_name": bucket_name,
        "endpoint_url": endpoint_url,
        "region_name": region_name,
        # Objects get the bucket's own (private) ACL; never public-read.
        "default_acl": None,
        "file_overwrite": False,
    }
    private = {
        **common,
        # Signed, expiring URLs on the bucket's own endpoint, never the public domain.
        "querystring_auth": True,
        "querystring_expire": 300,
        "custom_domain": None,
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": private},
        "private": {"BACKEND": S3_BACKEND, "OPTIONS": {**private, "location": "private"}},
        "renditions": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {**common, "querystring_auth": False, "custom_domain": custom_domain},
        },
    }
