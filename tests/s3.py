"""
A real S3 API server for the media storage tests: moto's standalone server,
started once per test session on a free port, with a fresh public bucket per
test (tests/conftest.py's s3_server and s3_media fixtures).
"""

import json
import sys
import uuid
from dataclasses import dataclass

import boto3

from newsroom import media_storage
from tests.servers import free_port, start, stop, wait_until_answering

REGION = "us-east-1"
# moto accepts any key pair; the servers under test are given the same.
ACCESS_KEY, SECRET_KEY = "newsroom-test", "newsroom-test-secret"


def start_server(log_path):
    """Start moto's S3 server; return the process and its endpoint URL."""
    port = free_port()
    process = start(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        log_path,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(endpoint + "/moto-api/", [process])
    except BaseException:
        stop(process)
        raise
    return process, endpoint


def public_read_policy(bucket):
    """The bucket policy the README gives: anyone may read the pictures."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadPictures",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


@dataclass
class Bucket:
    """A bucket on the test S3 server, read with boto3 as an outsider would."""

    endpoint: str
    name: str

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create(self):
        self.client.create_bucket(Bucket=self.name)
        self.client.put_bucket_policy(
            Bucket=self.name, Policy=json.dumps(public_read_policy(self.name))
        )
        return self

    def names(self):
        """Every object's key, sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(
            item["Key"] for page in pages for item in page.get("Contents", [])
        )

    def read(self, name):
        return self.client.get_object(Bucket=self.name, Key=name)["Body"].read()

    def head(self, name):
        return self.client.head_object(Bucket=self.name, Key=name)

    def environment(self):
        """The variables that point a server process at this bucket."""
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def storage_settings(self, **options):
        """STORAGES["default"] and MEDIA_URL as the settings make them."""
        return media_storage.s3(
            bucket_name=self.name,
            endpoint_url=self.endpoint,
            region_name=REGION,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            **options,
        )


def new_bucket(endpoint):
    return Bucket(endpoint, f"media-{uuid.uuid4().hex[:12]}").create()
