"""Recompute the report counters from the appointments and print every counter that differs from
the stored one. A dry run unless --apply: then the differing counters are corrected (the texts-sent
counters are kept), each only while it still holds what was read, so it is safe while clients book.

    make repair-reports [SALON=demo] [APPLY=1]                         the local stack's table
    make repair-reports TABLE=chairtime-prod REGION=eu-south-1 [SALON=studio-bella] [APPLY=1]   AWS

Without SALON every salon of the table is checked (one Scan for their profiles). On AWS it uses the
usual credential chain (AWS_PROFILE, environment, SSO) and needs dynamodb:Scan, Query, GetItem and
UpdateItem on the table. Locally it uses the running `make run` stack, or starts DynamoDB Local on
.data/ for the moment. Exit status 1 when something differed (so a scheduled check can alert), 2
for an unknown salon or counters that kept changing, 0 when the counters were right."""
import argparse
import os
import sys
from contextlib import contextmanager


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--salon", help="one salon; default: every salon of the table")
    parser.add_argument("--apply", "--fix", dest="apply", action="store_true",
                        help="correct the counters that differ (default: only print them)")
    parser.add_argument("--aws", action="store_true", help="the table on AWS instead of the local stack")
    parser.add_argument("--table", help="with --aws: the table's name (required)")
    parser.add_argument("--region", help="with --aws: the table's region (default: AWS_REGION)")
    parser.add_argument("--dynamodb-port", type=int, default=8001, help="the local stack's DynamoDB Local")
    args = parser.parse_args(argv)
    if args.aws and not args.table:
        parser.error("--aws needs --table (make repair-reports TABLE=... REGION=...)")
    with _target(args) as where:
        return _repair(args.salon, args.apply, where)


@contextmanager
def _target(args):
    """Point the app's wiring at the AWS table or the local stack; yields a description of it."""
    from chalicelib import wiring

    if args.aws:
        os.environ.pop("DYNAMODB_ENDPOINT", None)
        os.environ["TABLE_NAME"] = args.table
        if args.region:
            os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = args.region
        wiring.reset()
        yield f"table {args.table} ({os.environ.get('AWS_REGION') or os.environ.get('AWS_DEFAULT_REGION')})"
        return
    from . import env
    from .dynamodb import local_stack_dynamodb

    with local_stack_dynamodb(args.dynamodb_port) as endpoint:
        env.apply(endpoint)
        wiring.reset()
        yield f"the local table ({endpoint})"


def _repair(salon: str | None, apply: bool, where: str) -> int:
    from chalicelib import wiring
    from chalicelib.domain.errors import NotFound
    from chalicelib.services import reports
    from chalicelib.storage.reports_store import every_salon_id

    repo = wiring.repository()
    salons = [salon] if salon else every_salon_id()
    print(f"Report counters of {len(salons)} salon(s) in {where}" + ("" if apply else " (dry run)") + ":")
    differed = 0
    for salon_id in salons:
        try:
            found = reports.repair(repo, salon_id, wiring.now(), fix=apply)
        except (NotFound, reports.RepairContended) as error:
            print(f"{salon_id}: {getattr(error, 'message', None) or error}", file=sys.stderr)
            return 2
        for d in found:
            scope = f"staff {d.staff_id}" if d.staff_id else "salon"
            print(f"{salon_id} {d.month} {scope:<20} {d.counter:<22} stored {d.stored:>8}  "
                  f"recomputed {d.recomputed:>8}")
        if not found:
            print(f"The report counters of {salon_id} equal the recomputation from its appointments.")
        differed += len(found)
    if differed:
        print(f"{differed} counter(s) differed" + ("; corrected." if apply else "; run again with APPLY=1 to correct."))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
