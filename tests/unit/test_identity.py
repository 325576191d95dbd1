"""Phones, ids, manage tokens and the sealed idempotency token."""
import pytest

from chalicelib.domain.client import mask_phone, normalize_phone
from chalicelib.domain.errors import InvalidPhone
from chalicelib.domain.ids import new_id, new_manage_token, token_hash
from chalicelib.services import idempotency


def test_phones_are_normalized_with_the_salons_country_as_default():
    assert normalize_phone("333 123 4567", "IT") == "+393331234567"
    assert normalize_phone("+48 512 345 678", "IT") == "+48512345678"
    assert normalize_phone("(0)6 1234 5678", "IT") == "+390612345678"


@pytest.mark.parametrize("raw", ["12", "hello", "+39 000", "+1 555 0100 0000 0000 000"])
def test_invalid_phones_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw, "IT")


def test_masking_keeps_only_the_country_code_and_last_digits():
    assert mask_phone("+393331234567") == "+39******4567"


def test_manage_tokens_are_long_random_and_stored_as_hashes():
    tokens = {new_manage_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) >= 43 for t in tokens)  # 256 bits, base64url
    token = tokens.pop()
    assert token_hash(token) != token and len(token_hash(token)) == 64


def test_ids_sort_by_creation_time():
    assert new_id(1_000) < new_id(2_000) < new_id(3_000)
    assert len(new_id()) == 26


def test_a_sealed_token_opens_only_with_the_same_key():
    token = new_manage_token()
    sealed = idempotency.seal(token, "demo", "key-1")
    assert token not in sealed
    assert idempotency.unseal(sealed, "demo", "key-1") == token
    assert idempotency.unseal(sealed, "demo", "key-2") != token
    assert idempotency.unseal(sealed, "other-salon", "key-1") != token


def test_a_signed_token_carries_its_id_only_for_its_own_purpose():
    from chalicelib.domain.ids import new_signed_token, signed_token_id, token_hash

    key = b"k" * 32
    session_id, token = new_signed_token(key, b"session")
    assert signed_token_id(key, b"session", token) == session_id and len(token_hash(session_id)) == 64
    assert signed_token_id(key, b"client-session", token) is None  # an owner's token is no client's
    assert signed_token_id(b"x" * 32, b"session", token) is None  # another deployment's key
    forged = session_id + "." + "A" * (len(token) - len(session_id) - 1)
    assert signed_token_id(key, b"session", forged) is None
    assert signed_token_id(key, b"session", None) is None and signed_token_id(key, b"session", "é" * 50) is None
