"""Create a salon and its first owner: how a salon starts on a deployed stage (docs/deploy.md §8).

    .venv/bin/python -m local.create_salon --aws --table chairtime-prod --salon studio-bella \\
        --name "Studio Bella" --phone "+39 06 1234 5678" --address "Via Giulia 1, 00186 Roma" \\
        --timezone Europe/Rome --country IT \\
        --locale it --currency EUR --hours "tue-sat 09:00-13:00, 14:00-19:00" --email owner@studiobella.it

The id is the booking link's (/book/studio-bella) and never changes. Every field is checked as the
owner's settings page checks it; an existing salon is never overwritten. Days left out of --hours
are closed; hours, services, staff and policies are then set in the owner pages. The owner's
password is asked for (or generated and printed once), as `make owner` does.

Without --aws it targets DynamoDB Local (`make salon ...` while `make run` is up).
"""
import argparse
import re
import sys

from .create_owner import add_target_arguments, create_owner, use_target

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(.+)$")


def hours_fields(specs: list[str]) -> dict[str, str]:
    """["tue-sat 09:00-13:00, 14:00-19:00", "mon 10:00-16:00"] -> {"hours_tue": "09:00-13:00, 14:00-19:00", ...}."""
    fields: dict[str, str] = {}
    for spec in specs:
        found = _DAYS.match(spec.lower())
        if not found or found.group(1) not in WEEKDAYS or (found.group(2) or found.group(1)) not in WEEKDAYS:
            raise SystemExit(f"--hours {spec!r}: write days then intervals, like 'tue-sat 09:00-13:00, 14:00-19:00'.")
        first, last = WEEKDAYS.index(found.group(1)), WEEKDAYS.index(found.group(2) or found.group(1))
        if last < first:
            raise SystemExit(f"--hours {spec!r}: the days run from Monday to Sunday, e.g. 'mon-fri'.")
        for day in WEEKDAYS[first:last + 1]:
            fields[f"hours_{day}"] = found.group(3)
    return fields


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--salon", required=True, help="the id in the booking link, e.g. studio-bella")
    parser.add_argument("--name", required=True, help="as clients see it, in pages and texts")
    parser.add_argument("--phone", required=True, help="the salon's phone number, shown to clients")
    parser.add_argument("--address", default="", help="the street address on one line, shown to clients and "
                                                      "in their calendar files")
    parser.add_argument("--timezone", required=True, help="IANA name, e.g. Europe/Rome")
    parser.add_argument("--country", required=True, help="ISO code: clients' numbers without + are read as this "
                                                          "country's")
    parser.add_argument("--locale", default="en", help="language of pages and texts: en, it, pl, pt, es, ru")
    parser.add_argument("--currency", default="EUR")
    parser.add_argument("--hours", action="append", default=[], help="repeatable: 'tue-sat 09:00-13:00, 14:00-19:00'")
    parser.add_argument("--email", required=True, help="the first owner's sign-in")
    parser.add_argument("--password", help="omit it to be asked, or to get a generated one")
    parser.add_argument("--owner-name", default="")
    add_target_arguments(parser)
    args = parser.parse_args(argv)
    values = {"name": args.name, "phone": args.phone, "address": args.address, "timezone": args.timezone,
              "country": args.country, "locale": args.locale, "currency": args.currency, **hours_fields(args.hours)}
    table = use_target(args)

    from chalicelib import wiring
    from chalicelib.domain.errors import InvalidRequest
    from chalicelib.services.owner import settings as owner_settings
    from chalicelib.services.owner.settings_fields import FieldErrors

    try:
        salon = owner_settings.new_salon(wiring.repository(), args.salon, values)
    except FieldErrors as error:
        for field, message in error.errors.items():
            flag = f"hours ({field.removeprefix('hours_')})" if field.startswith("hours_") else field
            print(f"--{flag}: {message}", file=sys.stderr)
        return 2
    except InvalidRequest as error:
        print(error.message, file=sys.stderr)
        return 1
    open_days = ", ".join(d for i, d in enumerate(WEEKDAYS) if i in salon.hours) or "none yet"
    print(f"Salon {salon.id!r} ({salon.name}) created in table {table}; open: {open_days}.")
    print(f"Booking page: /book/{salon.id}. Add services and staff in the owner pages (/owner/settings).")
    return create_owner(salon.id, args.email, args.password, args.owner_name)


if __name__ == "__main__":
    sys.exit(main())
