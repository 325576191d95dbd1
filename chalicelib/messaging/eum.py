"""AWS End User Messaging SMS (the `pinpoint-sms-voice-v2` API). Not Amazon Pinpoint itself,
whose support ends on 2026-10-30."""
from botocore.exceptions import ClientError

from .base import aws_errors


class EumSender:
    def __init__(
        self,
        client=None,
        origination_identity: str | None = None,
        configuration_set: str | None = None,
        opt_out_list: str | None = None,
        region: str | None = None,
    ):
        self._client = client
        self.origination_identity = origination_identity
        self.configuration_set = configuration_set
        self.opt_out_list = opt_out_list or "Default"
        self.region = region

    @property
    def client(self):
        if self._client is None:  # created on first use: a cold start that sends nothing skips it
            import boto3

            self._client = boto3.client("pinpoint-sms-voice-v2", region_name=self.region)
        return self._client

    def send(self, phone: str, body: str) -> str:
        params = {"DestinationPhoneNumber": phone, "MessageBody": body, "MessageType": "TRANSACTIONAL"}
        if self.origination_identity:
            params["OriginationIdentity"] = self.origination_identity
        if self.configuration_set:
            params["ConfigurationSetName"] = self.configuration_set
        with aws_errors():
            return self.client.send_text_message(**params)["MessageId"]

    def is_opted_out(self, phone: str) -> bool:
        with aws_errors():
            try:
                answer = self.client.describe_opted_out_numbers(
                    OptOutListName=self.opt_out_list, OptedOutNumbers=[phone]
                )
            except ClientError as exc:
                # A number that is not on the list is answered "not found" (that number, not the list).
                if _not_found(exc) and exc.response.get("ResourceType") != "opt-out-list":
                    return False
                raise
        return any(entry.get("OptedOutNumber") == phone for entry in answer.get("OptedOutNumbers", []))


def _not_found(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
