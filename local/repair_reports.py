"""`make repair-reports SALON=demo [FIX=1]`: recompute a salon's report counters from its
appointments and print every counter that differs from the stored one; with FIX=1 the differing
months are overwritten with the recomputed values (the texts-sent counters are kept). Uses the
running `make run` stack, or starts DynamoDB Local on .data/ for the moment. Exit status 1 when
something differed (so a scheduled check can alert), 0 when the counters were right."""
import argparse
import sys

from . import env
from .dynamodb import local_stack_dynamodb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--salon", required=True)
    parser.add_argument("--fix", action="store_true", help="overwrite the counters that differ")
    parser.add_argument("--dynamodb-port", type=int, default=8001)
    args = parser.parse_args(argv)
    with local_stack_dynamodb(args.dynamodb_port) as endpoint:
        env.apply(endpoint)
        from chalicelib import wiring
        from chalicelib.domain.errors import NotFound
        from chalicelib.services import reports

        wiring.reset()
        try:
            found = reports.repair(wiring.repository(), args.salon, wiring.now(), fix=args.fix)
        except NotFound as error:
            print(error.message, file=sys.stderr)
            return 2
    for d in found:
        scope = f"staff {d.staff_id}" if d.staff_id else "salon"
        print(f"{d.month} {scope:<20} {d.counter:<22} stored {d.stored:>8}  recomputed {d.recomputed:>8}")
    if not found:
        print(f"The report counters of {args.salon} equal the recomputation from its appointments.")
        return 0
    print(f"{len(found)} counter(s) differed" + ("; fixed." if args.fix else "; run again with FIX=1 to fix."))
    return 1


if __name__ == "__main__":
    sys.exit(main())
