"""The demo salon's owner login for the local stack: `make run` prints it. Never for AWS."""
from chalicelib import auth, wiring
from chalicelib.storage.accounts import AccountsRepository, EmailTaken

DEMO_SALON = "demo"
DEMO_EMAIL = "owner@demo.local"
DEMO_PASSWORD = "demo-owner-2026"  # local-only: known to everyone who reads this file


def ensure_demo_owner(repo_or_accounts=None) -> tuple[str, str]:
    """Create the demo owner if missing (idempotent) and return (email, password). A password changed
    since is kept: the one returned is then the original. Refuses to run against AWS."""
    if not wiring.config().dynamodb_endpoint:
        raise RuntimeError("The demo owner exists only on the local stack (DynamoDB Local).")
    store = repo_or_accounts if isinstance(repo_or_accounts, AccountsRepository) else auth.accounts()
    if store.get_user(DEMO_EMAIL) is None:
        try:
            auth.create_user(store, DEMO_SALON, DEMO_EMAIL, DEMO_PASSWORD, "owner", wiring.now(), name="Demo owner",
                             actor_user_id="local")
        except EmailTaken:
            pass  # created meanwhile by another process: same result
    return DEMO_EMAIL, DEMO_PASSWORD
