"""What left through the local SMS provider, matched to the stored messages it came from. A
stored body holds a placeholder where a link's token goes; the token exists only in the text sent."""
import re

from chalicelib.domain.outbox import LINK_PLACEHOLDER, OutboxMessage


def sent_text(sender, message: OutboxMessage) -> str | None:
    """The text that left for `message` (its body with a token in place of the placeholder), or
    None when it did not leave."""
    pattern = re.escape(message.body).replace(re.escape(LINK_PLACEHOLDER), "[A-Za-z0-9_-]{22}")
    return next((m["body"] for m in sender.sent if m["phone"] == message.phone and re.fullmatch(pattern, m["body"])),
                None)


def link_token(text: str, path: str = "m") -> str:
    """The token of the /m/ (manage) or /claim/ link in a text that left."""
    return re.search(rf"/{path}/([A-Za-z0-9_-]+)", text).group(1)
