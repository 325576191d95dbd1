"""Create a salon's first owner account.

    .venv/bin/python -m local.create_owner --salon demo --email owner@example.com [--password ...]

Without --password it asks twice on a terminal (an empty answer generates one) and otherwise
generates a password, which is printed once and stored only as an Argon2 hash. Passing
--password leaves it in the shell's history; prefer the prompt.

It targets DynamoDB Local (--endpoint, else DYNAMODB_ENDPOINT, else port DDB_PORT or 8001); with
--aws it uses the real table named by --table or TABLE_NAME, with the shell's AWS credentials.
"""
import argparse
import getpass
import os
import sys

from . import env


def _password(given: str | None) -> tuple[str, bool]:
    """(password, generated)."""
    from chalicelib.auth import passwords

    if given:
        return given, False
    if sys.stdin.isatty():
        first = getpass.getpass("Password (empty: generate one): ")
        if first:
            if getpass.getpass("Again: ") != first:
                raise SystemExit("The two passwords differ.")
            return first, False
    return passwords.generate(), True


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", help="default: TABLE_NAME, else chairtime")
    parser.add_argument("--endpoint", help="DynamoDB Local's URL")
    parser.add_argument("--aws", action="store_true", help="the real table on AWS instead of DynamoDB Local")


def use_target(args) -> str:
    """Point the app's wiring at DynamoDB Local or, with --aws, the real table; returns the table name."""
    table = args.table or os.environ.get("TABLE_NAME") or env.LOCAL_ENV["TABLE_NAME"]
    if args.aws:
        os.environ.pop("DYNAMODB_ENDPOINT", None)
        os.environ["TABLE_NAME"] = table
    else:
        endpoint = (args.endpoint or os.environ.get("DYNAMODB_ENDPOINT")
                    or f"http://127.0.0.1:{os.environ.get('DDB_PORT', '8001')}")
        env.apply(endpoint, TABLE_NAME=table)
    from chalicelib import wiring

    wiring.reset()
    return table


def create_owner(salon_id: str, email: str, password: str | None, name: str = "") -> int:
    """The salon's owner account on the target chosen by use_target(); 0 when created."""
    from chalicelib import auth, wiring
    from chalicelib.domain.errors import InvalidRequest
    from chalicelib.storage.accounts import EmailTaken

    password, generated = _password(password)
    try:
        user = auth.create_user(auth.accounts(), salon_id, email, password, "owner", wiring.now(),
                                name=name, actor_user_id="create_owner")
    except EmailTaken:
        print(f"{email} already has an account.", file=sys.stderr)
        return 1
    except InvalidRequest as error:
        print(error.message, file=sys.stderr)
        return 1
    print(f"Owner {user.email} created for salon {salon_id!r}; sign in at /owner/login.")
    if generated:
        print(f"Password (shown only now): {password}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--salon", required=True, help="the salon's id, e.g. demo")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", help="omit it to be asked, or to get a generated one")
    parser.add_argument("--name", default="")
    add_target_arguments(parser)
    args = parser.parse_args(argv)
    table = use_target(args)

    from chalicelib import wiring

    if wiring.repository().load_salon(args.salon) is None:
        print(f"No salon {args.salon!r} in table {table}.", file=sys.stderr)
        return 1
    return create_owner(args.salon, args.email, args.password, args.name)


if __name__ == "__main__":
    sys.exit(main())
