"""How a message reaches a client, and what it costs.

Three channels: WhatsApp (AWS End User Messaging Social, approved templates), e-mail (SES v2)
and SMS. The salon enables channels and orders them; the client's own choice wins where the salon
has that channel and the client can be reached on it (an e-mail address that does not bounce,
consent to WhatsApp, a phone that did not say STOP). A message goes to the first channel of its
route; if that channel refuses it for good, it falls back to the next one once.

Costs are estimates from a price table: defaults from the providers' published prices (dated,
so the owner sees how old they are) that the owner may override per channel and country.
"""
from dataclasses import field
from decimal import Decimal

from .values import frozen

WHATSAPP = "whatsapp"
EMAIL = "email"
SMS = "sms"
CHANNELS = (WHATSAPP, EMAIL, SMS)
# A price, not a channel: WhatsApp bills a MARKETING template (a recall, a broadcast to a marketing
# segment) at its own, higher rate, and never free inside the 24-hour window as a utility one is.
WHATSAPP_MARKETING = "whatsapp_marketing"
PRICE_KEYS = (WHATSAPP, WHATSAPP_MARKETING, EMAIL, SMS)
DEFAULT_ORDER = (WHATSAPP, EMAIL, SMS)  # WhatsApp where the client agreed, else e-mail where given, else SMS

# Published list prices in USD, per message (WhatsApp: a utility template outside the 24-hour
# window the client's own message opens, inside it free; a marketing template, always), per SMS
# part, per e-mail. Check them before relying on them: they change, and the owner can override each.
PRICES_PUBLISHED_ON = "2026-10-01"
DEFAULT_PRICES: dict[str, dict[str, Decimal]] = {
    SMS: {"IT": Decimal("0.0900"), "ES": Decimal("0.0800"), "PT": Decimal("0.0420"), "PL": Decimal("0.0450"),
          "BR": Decimal("0.0580"), "RU": Decimal("0.4200"), "*": Decimal("0.0900")},
    WHATSAPP: {"IT": Decimal("0.0300"), "ES": Decimal("0.0200"), "PT": Decimal("0.0200"), "PL": Decimal("0.0250"),
               "BR": Decimal("0.0070"), "RU": Decimal("0.0400"), "*": Decimal("0.0300")},
    WHATSAPP_MARKETING: {"IT": Decimal("0.0691"), "ES": Decimal("0.0615"), "PT": Decimal("0.0592"),
                         "PL": Decimal("0.0860"), "BR": Decimal("0.0625"), "RU": Decimal("0.0802"),
                         "*": Decimal("0.0592")},
    EMAIL: {"*": Decimal("0.0001")},
}


# Daily caps of the channels SMS caps do not cover: (per client, per salon). E-mail and WhatsApp
# cannot be pumped for money as SMS can, but a loop must still stop; WhatsApp's own limit for a new
# business number is about 1,000 clients a day.
CHANNEL_DAILY_CAPS = {EMAIL: (10, 5000), WHATSAPP: (10, 1000)}
# Kinds that leave even past the monthly budget: the appointment itself depends on them.
BUDGET_EXEMPT_KINDS = frozenset({"reminder", "sign_in_code"})
MICRO = Decimal("1000000")


def micro_usd(amount: Decimal) -> int:
    """USD as whole millionths: counters add integers, and an e-mail's cost is a hundredth of a cent."""
    return int((amount * MICRO).to_integral_value())


@frozen
class PriceTable:
    """The prices a salon's estimates use: the published defaults with the owner's overrides on top."""
    overrides: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def price(self, channel: str, country: str) -> Decimal:
        for table in (self.overrides.get(channel, {}), DEFAULT_PRICES[channel]):
            for key in (country.upper(), "*"):
                if key in table:
                    return table[key]
        return Decimal("0")

    def estimate(self, channel: str, country: str, parts: int = 1, in_service_window: bool = False,
                 marketing: bool = False) -> Decimal:
        """A message's estimated cost: SMS per part; WhatsApp by its template's category, a utility
        one free inside the client's 24-hour window, a marketing one always at its own rate."""
        if channel == WHATSAPP and marketing:
            return self.price(WHATSAPP_MARKETING, country)
        if channel == WHATSAPP and in_service_window:
            return Decimal("0")
        return self.price(channel, country) * (parts if channel == SMS else 1)


@frozen
class Reachability:
    """What is known of one client, enough to route a message."""
    has_phone: bool = True
    sms_opt_out: bool = False
    email: str | None = None
    email_suppressed: bool = False  # bounced or complained: SES must not try again
    whatsapp_consent: bool = False
    whatsapp_opt_out: bool = False
    preferred: str | None = None  # the client's own choice, if any

    def can_use(self, channel: str) -> bool:
        if channel == SMS:
            return self.has_phone and not self.sms_opt_out
        if channel == EMAIL:
            return bool(self.email) and not self.email_suppressed
        if channel == WHATSAPP:
            return self.has_phone and self.whatsapp_consent and not self.whatsapp_opt_out
        return False


def route(reach: Reachability, enabled: tuple[str, ...], order: tuple[str, ...] = DEFAULT_ORDER) -> tuple[str, ...]:
    """The channels to try, best first: the client's choice if the salon has it and it can reach
    them, then the salon's order. Empty when nothing can reach the client."""
    ranked = ([reach.preferred] if reach.preferred else []) + [c for c in order if c != reach.preferred]
    return tuple(c for c in ranked if c in enabled and reach.can_use(c))
