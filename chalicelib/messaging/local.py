"""The laptop and test provider: keeps texts in memory and logs them without the number."""
import logging
import threading

from chalicelib.domain.client import mask_phone
from chalicelib.domain.clock import utc_now
from chalicelib.domain.ids import new_id

from .segments import sms_segments

logger = logging.getLogger(__name__)


class LocalSender:
    def __init__(self):
        self._lock = threading.Lock()
        self.sent: list[dict] = []  # {"phone", "body", "message_id", "at"}

    def send(self, phone: str, body: str) -> str:
        message_id = f"local-{new_id()}"
        with self._lock:
            self.sent.append({"phone": phone, "body": body, "message_id": message_id, "at": utc_now()})
        encoding, segments = sms_segments(body)
        logger.info("SMS %s to %s: %d x %s", message_id, mask_phone(phone), segments, encoding)
        # The body carries manage links: only at DEBUG, never in a deployed stage's default logs.
        logger.debug("SMS %s body: %s", message_id, body)
        return message_id

    def is_opted_out(self, phone: str) -> bool:
        return False
