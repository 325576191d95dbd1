"""E-mail through Amazon SES v2 `SendEmail`: plain text and simple HTML, a configuration set (its
event destination publishes bounces and complaints to SNS, where the address is suppressed), and
for marketing a List-Unsubscribe header."""
from .base import aws_errors
from .channel_texts import Email


class SesEmailSender:
    def __init__(self, client=None, configuration_set: str | None = None, region: str | None = None):
        self._client = client
        self.configuration_set = configuration_set
        self.region = region

    @property
    def client(self):
        if self._client is None:  # created on first use: a cold start that sends nothing skips it
            import boto3

            self._client = boto3.client("sesv2", region_name=self.region)
        return self._client

    def send_email(self, sender: str, to: str, email: Email) -> str:
        """Send `email` from the verified identity `sender` to `to`; SES's message id. Raises SendError."""
        simple = {"Subject": {"Data": email.subject, "Charset": "UTF-8"},
                  "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"},
                           "Html": {"Data": email.html, "Charset": "UTF-8"}}}
        if email.unsubscribe_url:
            simple["Headers"] = [{"Name": "List-Unsubscribe", "Value": f"<{email.unsubscribe_url}>"}]
        params = {"FromEmailAddress": sender, "Destination": {"ToAddresses": [to]}, "Content": {"Simple": simple},
                  "EmailTags": [{"Name": "kind", "Value": email.kind}]}
        if self.configuration_set:
            params["ConfigurationSetName"] = self.configuration_set
        with aws_errors():
            return self.client.send_email(**params)["MessageId"]
