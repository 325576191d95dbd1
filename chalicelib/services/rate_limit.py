"""The guard every public write passes: it turns a request's subjects (the caller's address, the
phone it names or the manage link it uses, the salon) into counters of the action's policy
(domain/rate_limits.py) and charges them (storage/rate_store.py).

Two ways to charge: `check` is one request of its own (a transaction of the counters) before the
write; `charges` hands the counters to a write that has a transaction anyway (a booking), so they
cost no request and a booking that fails (slot taken, restricted) counts nowhere. Either way a
full counter raises RateLimited (429 with Retry-After), and nothing was counted."""
from dataclasses import dataclass
from datetime import datetime

from .. import observability
from ..domain import rate_limits
from ..domain.errors import RateLimited
from ..domain.rate_limits import Charge, Policy


@dataclass(frozen=True)
class RateGuard:
    repo: object
    address: str | None  # None when the platform gave none: address limits are then skipped
    now: datetime
    policy: Policy | None = None  # None: rate_limits.PUBLIC_WRITE

    def charges(self, salon_id: str, phone: str | None = None, link: str | None = None) -> list[Charge]:
        """`phone`: E.164, counted within the salon; `link`: a manage token's digest."""
        subjects = {rate_limits.SALON: salon_id, rate_limits.ADDRESS: self.address,
                    rate_limits.PHONE: f"{salon_id}\x00{phone}" if phone else None, rate_limits.LINK: link}
        return rate_limits.charges(self.policy or rate_limits.PUBLIC_WRITE, subjects, self.now)

    def check(self, salon_id: str, phone: str | None = None, link: str | None = None) -> None:
        try:
            self.repo.charge_rate_limits(self.charges(salon_id, phone, link))
        except RateLimited as refusal:
            refused(refusal, salon_id)
            raise


def refused(refusal: RateLimited, salon_id: str) -> None:
    """Count a refusal for the metrics (which scope refused; never the subject)."""
    observability.count("RateLimited", salon=salon_id, scope=refusal.scope)
