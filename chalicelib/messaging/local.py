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


class LocalEmailSender:
    """The local twin of SES: keeps e-mails in memory (tests read them back), logs them without the address."""

    def __init__(self):
        self._lock = threading.Lock()
        self.sent: list[dict] = []  # {"from", "to", "email", "message_id", "at"}

    def send_email(self, sender: str, to: str, email) -> str:
        message_id = f"local-email-{new_id()}"
        with self._lock:
            self.sent.append({"from": sender, "to": to, "email": email, "message_id": message_id, "at": utc_now()})
        logger.info("E-mail %s (%s) from %s: %s", message_id, email.kind, sender, email.subject)
        logger.debug("E-mail %s body: %s", message_id, email.text)
        return message_id


class LocalWhatsAppSender:
    """The local twin of End User Messaging Social: keeps the Cloud API messages it would send."""

    def __init__(self):
        self._lock = threading.Lock()
        self.sent: list[dict] = []  # {"phone_number_id", "to", "template", "message", "message_id", "at"}

    def send_template(self, phone_number_id: str, to: str, template) -> str:
        from .whatsapp import graph_message

        message_id = f"local-wa-{new_id()}"
        with self._lock:
            self.sent.append({"phone_number_id": phone_number_id, "to": to, "template": template,
                              "message": graph_message(to, template), "message_id": message_id, "at": utc_now()})
        logger.info("WhatsApp %s to %s: template %s (%s)", message_id, mask_phone(to), template.name,
                    template.language)
        logger.debug("WhatsApp %s parameters: %s", message_id, template.parameters)
        return message_id
