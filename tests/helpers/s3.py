"""The production storage declaration (config.storage) on an in-process S3 fake (moto)."""

import contextlib

import boto3
from moto import mock_aws

from config.storage import s3_storages

REGION = "eu-west-2"
PUBLIC_DOMAIN = "media.example.org"


@contextlib.contextmanager
def fake_s3_storages(settings, monkeypatch, bucket: str):
    """Point every storage at a fresh fake bucket for the block; yields a boto3 client."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        settings.STORAGES = {
            **settings.STORAGES,
            **s3_storages(bucket_name=bucket, region_name=REGION, custom_domain=PUBLIC_DOMAIN),
        }
        yield client
