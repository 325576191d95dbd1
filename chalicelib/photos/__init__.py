"""The store of treatment-record photos: a private S3 bucket on AWS (`s3.py`), files under
`.data/photos` on the local stack (`local.py`, with an app route that takes the upload exactly as
S3 takes a presigned POST). The app never handles an image's bytes on AWS: the browser posts the
file straight to the bucket with a short-lived, signed form, and photos are shown through
short-lived signed links.

    store = photo_store(base_url)             # chosen by config (PHOTO_BUCKET set: S3)
    form = store.upload_form(key, redirect)   # UploadForm(url, fields): the form's action and hidden fields
    store.photos(prefix)                      # [StoredPhoto(key, size)], oldest key first
    store.view_url(key)                       # a signed GET link, valid for VIEW_SECONDS
    store.delete(key); store.delete_all(prefix)
"""
from .base import (  # the interface, importable from the package as before
    DEFAULT_TYPE,
    MAX_BYTES,
    UPLOAD_SECONDS,
    VIEW_SECONDS,
    PhotoStore,
    StoredPhoto,
    UploadForm,
)

__all__ = ["DEFAULT_TYPE", "MAX_BYTES", "UPLOAD_SECONDS", "VIEW_SECONDS", "PhotoStore", "StoredPhoto", "UploadForm",
           "photo_store"]


def photo_store(base_url: str) -> PhotoStore:
    """S3 when PHOTO_BUCKET is set (AWS, moto in tests), else the local twin under PHOTO_DIR."""
    from ..wiring import config

    cfg = config()
    if cfg.photo_bucket:
        from .s3 import S3PhotoStore

        return S3PhotoStore(cfg.photo_bucket, cfg.region)
    if cfg.stage != "local" and not cfg.dynamodb_endpoint:
        raise RuntimeError("PHOTO_BUCKET is not set: on AWS record photos go to the stage's bucket "
                           "(infra/template.py sets it).")
    from ..auth import signing_key
    from .local import LocalPhotoStore

    return LocalPhotoStore(cfg.photo_dir, signing_key(), base_url)
