"""/v1/openapi.json is a valid OpenAPI 3 document, so generators and validators can use it."""
from collections import Counter

from openapi_spec_validator import validate

from chalicelib.api.openapi import document

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_the_document_is_valid_openapi():
    validate(document())  # raises with the first problem it finds


def test_every_operation_id_is_unique():
    ids = Counter(operation["operationId"] for item in document()["paths"].values()
                  for method, operation in item.items() if method in METHODS)
    assert [name for name, count in ids.items() if count > 1] == []
    assert len(ids) > 40  # the public API and the /v1/admin side are both in it
