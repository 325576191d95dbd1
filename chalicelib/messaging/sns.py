"""Amazon SNS direct-to-phone SMS (Publish with PhoneNumber)."""
from .base import aws_errors


class SnsSender:
    def __init__(self, client=None, sender_id: str | None = None, region: str | None = None):
        self._client = client
        self.sender_id = sender_id
        self.region = region

    @property
    def client(self):
        if self._client is None:  # created on first use: a cold start that sends nothing skips it
            import boto3

            self._client = boto3.client("sns", region_name=self.region)
        return self._client

    def send(self, phone: str, body: str) -> str:
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if self.sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": self.sender_id}
        with aws_errors():
            return self.client.publish(PhoneNumber=phone, Message=body, MessageAttributes=attributes)["MessageId"]

    def is_opted_out(self, phone: str) -> bool:
        with aws_errors():
            return bool(self.client.check_if_phone_number_is_opted_out(phoneNumber=phone)["isOptedOut"])
