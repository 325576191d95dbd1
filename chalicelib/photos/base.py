"""What a photo store is and gives (the interface `s3.py` and `local.py` implement), apart from the
package's factory so the two stores depend on it and not on the package that chooses between them."""
from typing import Protocol

from ..domain.records import PHOTO_MAX_BYTES
from ..domain.values import frozen

UPLOAD_SECONDS = 15 * 60  # an upload form works this long
VIEW_SECONDS = 5 * 60  # a photo link works this long
DEFAULT_TYPE = "image/jpeg"  # a form without JavaScript cannot read the file's type; any image/* is accepted
MAX_BYTES = PHOTO_MAX_BYTES


@frozen
class UploadForm:
    url: str
    fields: dict[str, str]  # hidden fields, in order; the file goes last, as `file`


@frozen
class StoredPhoto:
    key: str
    size: int


class PhotoStore(Protocol):
    def upload_form(self, key: str, redirect_url: str) -> UploadForm: ...

    def photos(self, prefix: str) -> list[StoredPhoto]: ...

    def view_url(self, key: str) -> str: ...

    def delete(self, key: str) -> None: ...

    def delete_all(self, prefix: str) -> int: ...
