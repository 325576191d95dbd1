"""`make export` / `make restore`: the whole table to JSON lines and back (DynamoDB's own
attribute-value JSON, one item per line, so nothing is lost in translation). A backup tool may
scan; no request path of the app does.

    python -m local.backup export --out backup.jsonl [--endpoint URL | --aws] [--table NAME]
    python -m local.backup restore --in backup.jsonl [...]   (into an existing, empty table)
"""
import argparse
import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from . import env
from .dynamodb import ROOT, local_stack_dynamodb

BATCH = 25


def export_table(client, table: str, out) -> int:
    count = 0
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            out.write(json.dumps(_without_tokens(item), sort_keys=True, ensure_ascii=False) + "\n")
            count += 1
    return count


def _without_tokens(item: dict) -> dict:
    """A backup never carries a usable link: an outbox body stored before links were made at
    sending has its tokens replaced by the placeholder (restored and still pending, it gets a
    fresh link when it leaves). Everything else is exported as it is."""
    from chalicelib.domain.outbox import without_tokens

    if item.get("kind", {}).get("S") == "message" and "S" in item.get("body", {}):
        return {**item, "body": {"S": without_tokens(item["body"]["S"])}}
    return item


def restore_table(client, table: str, lines) -> int:
    batch, count = [], 0
    for line in lines:
        if line.strip():
            batch.append({"PutRequest": {"Item": json.loads(line)}})
        if len(batch) == BATCH:
            count += _write(client, table, batch)
            batch = []
    if batch:
        count += _write(client, table, batch)
    return count


def _write(client, table: str, requests: list) -> int:
    pending, delay = requests, 0.05
    while pending:
        unprocessed = client.batch_write_item(RequestItems={table: pending}).get("UnprocessedItems", {})
        pending = unprocessed.get(table, [])
        if pending:
            time.sleep(delay)
            delay = min(delay * 2, 2)
    return len(requests)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("export", "restore"))
    parser.add_argument("--file", type=Path, default=ROOT / ".data" / "export.jsonl")
    parser.add_argument("--table", default=env.LOCAL_ENV["TABLE_NAME"])
    parser.add_argument("--dynamodb-port", type=int, default=8001)
    parser.add_argument("--aws", action="store_true", help="the real table (credentials from the environment)")
    args = parser.parse_args(argv)
    with nullcontext() if args.aws else local_stack_dynamodb(args.dynamodb_port) as endpoint:
        if endpoint is None:
            import boto3

            client = boto3.client("dynamodb")
        else:
            client = env.dynamodb_client(endpoint)
        if args.action == "export":
            args.file.parent.mkdir(parents=True, exist_ok=True)
            with args.file.open("w", encoding="utf-8") as out:
                count = export_table(client, args.table, out)
            print(f"exported {count} items from {args.table} to {args.file}")
        else:
            with args.file.open(encoding="utf-8") as lines:
                count = restore_table(client, args.table, lines)
            print(f"restored {count} items into {args.table} from {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
