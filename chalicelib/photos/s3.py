"""Record photos in a private S3 bucket: presigned POST up (size, type and encryption fixed by
the signed policy), presigned GET down. The bucket blocks public access and encrypts at rest."""
from functools import lru_cache

from .base import DEFAULT_TYPE, MAX_BYTES, UPLOAD_SECONDS, VIEW_SECONDS, StoredPhoto, UploadForm

ENCRYPTION = "AES256"


@lru_cache(maxsize=4)
def _client(region: str):
    import boto3
    from botocore.config import Config

    # SigV4 and the regional endpoint: presigned forms and links must work in opt-in regions too
    # (eu-south-1), where the global endpoint does not answer for the bucket.
    return boto3.client("s3", region_name=region, endpoint_url=f"https://s3.{region}.amazonaws.com",
                        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))


class S3PhotoStore:
    def __init__(self, bucket: str, region: str):
        self._bucket = bucket
        self._s3 = _client(region)

    def upload_form(self, key: str, redirect_url: str) -> UploadForm:
        fields = {"Content-Type": DEFAULT_TYPE, "x-amz-server-side-encryption": ENCRYPTION,
                  "success_action_redirect": redirect_url}
        conditions = [["starts-with", "$Content-Type", "image/"],
                      {"x-amz-server-side-encryption": ENCRYPTION},
                      {"success_action_redirect": redirect_url},
                      ["content-length-range", 1, MAX_BYTES]]
        post = self._s3.generate_presigned_post(self._bucket, key, Fields=fields, Conditions=conditions,
                                                ExpiresIn=UPLOAD_SECONDS)
        return UploadForm(post["url"], dict(post["fields"]))

    def photos(self, prefix: str) -> list[StoredPhoto]:
        found = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix):
            found += [StoredPhoto(o["Key"], int(o["Size"])) for o in page.get("Contents", [])]
        return sorted(found, key=lambda p: p.key)

    def view_url(self, key: str) -> str:
        return self._s3.generate_presigned_url("get_object", Params={"Bucket": self._bucket, "Key": key},
                                               ExpiresIn=VIEW_SECONDS)

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self._bucket, Key=key)

    def delete_all(self, prefix: str) -> int:
        keys = [p.key for p in self.photos(prefix)]
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1,000 keys
            self._s3.delete_objects(Bucket=self._bucket, Delete={
                "Objects": [{"Key": k} for k in keys[start:start + 1000]], "Quiet": True})
        return len(keys)
