"""Storage of the client's area: one-time sign-in codes, client sessions, the client's own
consents and erasure request. Like AccountsRepository, a small class of its own on the shared
models; every method is one GetItem, one conditional write, or one Query."""
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.sign_in import WINDOW, SignInCode
from ..domain.values import frozen
from . import keys
from .models import ClientItem, ClientSessionItem, Item, SignInCodeItem

_at = datetime.isoformat  # code times keep their microseconds: the issue time tells two codes apart
_parse = datetime.fromisoformat
CLEANUP_AFTER = timedelta(days=1)  # TTL slack: expiry is always checked against the clock


@frozen
class ClientSession:
    digest: str
    salon_id: str
    client_id: str
    issued_at: datetime
    expires: datetime


@frozen
class Preferences:
    """What the client may change about how they are reached (reminders always go)."""

    recall_consent: bool
    marketing_consent: bool
    erasure_requested_at: datetime | None


def _condition_failed(error) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class ClientAreaStore:
    def client_history(self, salon_id: str, client_id: str, before: datetime | None = None,
                       limit: int = 50) -> list:
        return client_history(salon_id, client_id, before, limit)

    # --- one-time codes ----------------------------------------------------------------------
    def sign_in_code(self, salon_id: str, phone: str) -> SignInCode | None:
        try:
            item = SignInCodeItem.get(keys.sign_in_pk(salon_id, phone), keys.SIGN_IN_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return SignInCode(salon_id=item.salon_id, phone=phone, client_id=item.client_id,
                          code_digest=item.code_digest, issued_at=_parse(item.issued_at),
                          expires=_parse(item.code_expires), tries=int(item.tries),
                          window_start=_parse(item.window_start), window_count=int(item.window_count))

    def update_sign_in_code(self, before: SignInCode, after: SignInCode) -> bool:
        """A try counted or the code used, only if nobody counted or used it meanwhile."""
        item = SignInCodeItem(keys.sign_in_pk(before.salon_id, before.phone), keys.SIGN_IN_SK)
        try:
            item.update(actions=[SignInCodeItem.tries.set(after.tries),
                                 SignInCodeItem.code_digest.set(after.code_digest)],
                        condition=(SignInCodeItem.issued_at == _at(before.issued_at))
                        & (SignInCodeItem.tries == before.tries)
                        & (SignInCodeItem.code_digest == before.code_digest))
        except UpdateError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    # --- sessions ----------------------------------------------------------------------------
    def save_client_session(self, session: ClientSession) -> None:
        ClientSessionItem(
            keys.client_session_pk(session.digest), keys.CLIENT_SESSION_SK,
            gsi1pk=keys.client_sessions_pk(session.salon_id, session.client_id),
            gsi1sk=keys.client_session_sk(session.issued_at, session.digest),
            salon_id=session.salon_id, client_id=session.client_id, issued_at=iso_utc(session.issued_at),
            session_expires=iso_utc(session.expires), expires_at=session.expires + CLEANUP_AFTER,
        ).save(condition=ClientSessionItem.pk.does_not_exist())

    def client_session(self, digest: str) -> ClientSession | None:
        try:
            item = ClientSessionItem.get(keys.client_session_pk(digest), keys.CLIENT_SESSION_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return ClientSession(digest=digest, salon_id=item.salon_id, client_id=item.client_id,
                             issued_at=parse_iso_utc(item.issued_at), expires=parse_iso_utc(item.session_expires))

    def delete_client_session(self, digest: str) -> None:
        try:
            ClientSessionItem(keys.client_session_pk(digest), keys.CLIENT_SESSION_SK).delete()
        except DeleteError as error:
            if not _condition_failed(error):
                raise

    def end_client_sessions(self, salon_id: str, client_id: str) -> int:
        """Every open session of the client ("sign out everywhere"): one Query, one Delete each."""
        ended = 0
        for item in Item.history_index.query(keys.client_sessions_pk(salon_id, client_id)):
            if isinstance(item, ClientSessionItem):
                item.delete()
                ended += 1
        return ended

    # --- the client's own choices ------------------------------------------------------------
    def client_preferences(self, salon_id: str, client_id: str) -> Preferences | None:
        try:
            item = ClientItem.get(keys.salon_pk(salon_id), keys.client_sk(client_id), consistent_read=True)
        except DoesNotExist:
            return None
        return Preferences(recall_consent=bool(item.recall_consent), marketing_consent=bool(item.marketing_consent),
                           erasure_requested_at=parse_iso_utc(item.erasure_requested_at)
                           if item.erasure_requested_at else None)

    def set_client_consents(self, salon_id: str, client_id: str, recall: bool, marketing: bool) -> None:
        ClientItem(keys.salon_pk(salon_id), keys.client_sk(client_id)).update(
            actions=[ClientItem.recall_consent.set(recall), ClientItem.marketing_consent.set(marketing)],
            condition=ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist())


def issued_at_text(code: SignInCode) -> str:
    """The code's issue time as stored: the condition that a write replaces exactly this code."""
    return _at(code.issued_at)


def code_item(code: SignInCode) -> SignInCodeItem:
    return SignInCodeItem(
        keys.sign_in_pk(code.salon_id, code.phone), keys.SIGN_IN_SK, salon_id=code.salon_id,
        client_id=code.client_id, code_digest=code.code_digest, issued_at=_at(code.issued_at),
        code_expires=_at(code.expires), tries=code.tries, window_start=_at(code.window_start),
        window_count=code.window_count, expires_at=code.window_start + WINDOW + CLEANUP_AFTER,
    )


def client_history(salon_id: str, client_id: str, before: datetime | None, limit: int):
    """A page of the client's appointments, newest first, starting before `before`: one Query on
    GSI1 (the history partition), which reads only the page asked for."""
    from . import mapping
    from .models import AppointmentItem

    upper = keys.client_history_sk(before) if before else keys.APPOINTMENT_PREFIX + "~"
    query = Item.history_index.query(keys.client_history_pk(salon_id, client_id),
                                     Item.gsi1sk.between(keys.APPOINTMENT_PREFIX, upper),
                                     scan_index_forward=False, limit=limit, page_size=limit)
    return [mapping.appointment_from_item(item) for item in query if isinstance(item, AppointmentItem)]
