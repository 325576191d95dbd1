"""A signed-in user changes their own password.

The current password is asked again (a session left open on a salon's shared tablet must not be
enough to take the account over), and that check goes through the sign-in throttle: a wrong one
counts toward the account's lockout like a failed sign-in, so a stolen session cannot guess it
faster than the login form could. The new password follows the same rules as every password
(passwords.problem). On success every other session of the user ends and this one carries on:
the user item's session generation moves on, and this session moves with it in the same
transaction. The change is audited; no password ever reaches the log.
"""
from datetime import datetime

from ..domain.errors import IllegalTransition, InvalidRequest
from ..storage.accounts import AccountsRepository
from ..web.catalogs import N_
from . import passwords, sessions, signing_key


class WrongPassword(InvalidRequest):
    code = "wrong_password"


def change(accounts: AccountsRepository, me: sessions.Principal, current: str, new: str, repeated: str,
           address: str | None, now: datetime, verify: sessions.Verifier = passwords.verify) -> None:
    """Raises InvalidRequest (the new password: rules, or the two copies differ), WrongPassword,
    sessions.LoginLocked (no attempt left: nothing was checked) or IllegalTransition (the account
    changed meanwhile: nothing was written)."""
    if new != repeated:
        raise InvalidRequest(N_("The two new passwords are not the same. Type the new password twice."))
    if (problem := passwords.problem(new)) is not None:
        raise InvalidRequest(N_("The new password is not usable: %(problem)s", problem=problem))
    user = accounts.get_user(me.email)
    if user is None or user.id != me.user_id or not user.active:
        raise IllegalTransition(N_("Your account changed a moment ago. Sign in again."), "account_changed")
    if not sessions.checked_password(accounts, signing_key(), user.email, user, current, address, now, verify,
                                     audit_user=user, failed_action="password_change_failed"):
        raise WrongPassword(N_("The current password is not right. Type the password you signed in with."))
    if not accounts.change_own_password(user.email, sessions.session_digest(me), user.password_hash,
                                        user.session_generation, passwords.hash_password(new)):
        raise IllegalTransition(N_("Your password or your sessions changed a moment ago. Reload the page and try "
                                   "again."), "account_changed")
    accounts.record_audit(user.salon_id, user.id, "password_changed", f"user:{user.id}",
                          {"address": address, "other_sessions_ended": True}, now)
