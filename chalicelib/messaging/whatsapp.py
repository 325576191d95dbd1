"""WhatsApp through AWS End User Messaging Social (`socialmessaging` `SendWhatsAppMessage`).

Outside the 24-hour window a client's own message opens, WhatsApp takes only templates Meta
approved; every kind therefore leaves as a utility template (docs/whatsapp-templates.md), its
body parameters filled in the client's language. The message is the WhatsApp Cloud API's
JSON, passed through as bytes."""
import json

from .base import aws_errors
from .channel_texts import WhatsAppTemplate

META_API_VERSION = "v20.0"


def graph_message(to: str, template: WhatsAppTemplate) -> dict:
    """The Cloud API message object of a template message to the E.164 `to`."""
    components = [{"type": "body", "parameters": [{"type": "text", "text": value} for value in template.parameters]}]
    return {"messaging_product": "whatsapp", "to": to, "type": "template",
            "template": {"name": template.name, "language": {"code": template.language}, "components": components}}


class WhatsAppSender:
    def __init__(self, client=None, region: str | None = None):
        self._client = client
        self.region = region

    @property
    def client(self):
        if self._client is None:  # created on first use
            import boto3

            self._client = boto3.client("socialmessaging", region_name=self.region)
        return self._client

    def send_template(self, phone_number_id: str, to: str, template: WhatsAppTemplate) -> str:
        """Send `template` from the salon's number to `to`; the message id. Raises SendError."""
        message = json.dumps(graph_message(to, template), ensure_ascii=False).encode("utf-8")
        with aws_errors():
            return self.client.send_whatsapp_message(originationPhoneNumberId=phone_number_id, message=message,
                                                     metaApiVersion=META_API_VERSION)["messageId"]
