"""The owner side's identity: accounts, sign-in, sessions, CSRF, login throttling, roles, the guard.

  roles.py      the permission matrix (pure)
  passwords.py  Argon2id hashes
  sessions.py   sign in (throttled, audited), the session cookie, sign out here or everywhere
  csrf.py       form tokens bound to the session (or, on the login form, to a nonce cookie)
  throttle.py   failed-login counters and locks, per account and per client address
  own_password.py  a user changes their own password (throttled, other sessions ended, audited)
  guard.py      what owner routes use: Guard(blueprint).require(permission), principal(), same_salon()

Storage is `chalicelib/storage/accounts.py`; the keys are in `storage/keys.py` like every other key.
"""
import re
import secrets
from datetime import datetime

from ..domain.errors import InvalidRequest
from ..domain.ids import new_id
from ..domain.text import N_
from ..storage.accounts import AccountsRepository, User, normalize_email
from ..wiring import config, repository
from . import passwords, roles

MIN_SECRET_LENGTH = 32
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_process_key: bytes | None = None


def accounts() -> AccountsRepository:
    """The accounts repository on the table the app uses (cheap: it shares the bound client)."""
    repository()  # binds the models to the configured table, once per container
    return AccountsRepository()


def signing_key() -> bytes:
    """The HMAC key of session cookies, CSRF tokens and throttle subjects.

    On AWS it is the SSM parameter named by SESSION_SECRET_PARAMETER (a SecureString; Powertools
    caches it for 5 minutes, so a new value is picked up without a deploy, and logs everyone out).
    Else SESSION_SECRET. Else, on the local stack and in tests only, a random key made once per
    process: restarting `make run` logs everyone out. Anywhere else a missing secret is an error,
    never a silent per-container key that would log people out at random.
    """
    cfg = config()
    if cfg.session_secret_parameter:
        from aws_lambda_powertools.utilities import parameters

        value = parameters.get_parameter(cfg.session_secret_parameter, decrypt=True, max_age=300)
    elif cfg.session_secret:
        value = cfg.session_secret
    elif cfg.stage == "local" or cfg.dynamodb_endpoint:
        global _process_key
        if _process_key is None:
            _process_key = secrets.token_bytes(32)
        return _process_key
    else:
        raise RuntimeError("No session secret: set SESSION_SECRET_PARAMETER to an SSM SecureString parameter.")
    if not value or len(value) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"The session secret is too short: use at least {MIN_SECRET_LENGTH} random characters.")
    return value.encode("utf-8")


def create_user(accounts: AccountsRepository, salon_id: str, email: str, password: str, role: str, now: datetime,
                name: str = "", staff_id: str | None = None, actor_user_id: str = "system") -> User:
    """A new account, audited. Raises InvalidRequest (email, role, weak password) or EmailTaken."""
    email = normalize_email(email)
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidRequest(N_("That is not an email address."))
    if not roles.is_role(role):
        raise InvalidRequest(N_("Unknown role '%(role)s': use one of %(roles)s.", role=role,
                                roles=", ".join(roles.ROLES)))
    if (problem := passwords.problem(password)) is not None:
        raise InvalidRequest(problem)
    user = User(id=new_id(int(now.timestamp() * 1000)), email=email, salon_id=salon_id, role=role, name=name,
                staff_id=staff_id, password_hash=passwords.hash_password(password), created_at=now)
    accounts.create_user(user)
    accounts.record_audit(salon_id, actor_user_id, "user_created", f"user:{user.id}", {"email": email, "role": role},
                          now)
    return user
