"""The only place that prints: progress on stderr, the table and the BENCH_JSON line on stdout."""
import json
import sys

from .counting import Counted
from .request_counts import GOALS, OPERATIONS, SALONS, SalonResult

LABELS = {
    "availability_1_day": "availability, 1 day", "availability_31_days": "availability, 31 days",
    "booking": "booking (new client, key)", "booking_replay": "same booking retried", "manage_view": "manage view",
    "cancel": "cancel",
}


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _breakdown(counted: Counted) -> str:
    parts = [f"{n}x{op}" if n > 1 else op for op, n in sorted(counted.calls.items())]
    return f"{counted.total:>2}  {' + '.join(parts)}"


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _goals(counts: dict[str, SalonResult]) -> dict[str, bool]:
    return {op: all(result.counts[op].total <= goal for result in counts.values()) for op, goal in GOALS.items()}


def _json(counts, speed, imports, goals, elapsed) -> dict:
    return {
        "dynamodb_requests": {
            label: {
                "salon_id": result.salon_id, "appointments": result.appointments,
                "operations": {op: {"total": c.total, "by_operation": dict(sorted(c.calls.items())),
                                    "retries": c.retries} for op, c in result.counts.items()},
            } for label, result in counts.items()
        },
        "dynamodb_goals": {op: {"max_requests": GOALS[op], "met": met} for op, met in goals.items()},
        "availability_compute": {k: ({m: round(v, 3) for m, v in val.items()} if isinstance(val, dict) else val)
                                 for k, val in speed.items()},
        "import_time": {"runs": imports["runs"], "app_s": round(imports["app_s"], 4),
                        "boto3_s": round(imports["boto3_s"], 4), "ratio": round(imports["ratio"], 3),
                        "goal_ratio": imports["goal_ratio"], "met": imports["ratio"] <= imports["goal_ratio"],
                        "extra_over_boto3_ms": {k: round(v, 1) for k, v in imports["extra_over_boto3_ms"].items()}},
        "elapsed_s": round(elapsed, 1),
    }


def print_report(counts: dict[str, SalonResult], speed: dict, imports: dict, elapsed: float) -> None:
    goals = _goals(counts)
    small, large = (counts[label] for label in SALONS)
    out = []
    out.append("Chairtime bench")
    out.append("")
    out.append("1. DynamoDB requests per operation (API calls on botocore before-call events, DynamoDB Local)")
    out.append(f"   salons: {small.salon_id} with {small.appointments:,} appointments, "
               f"{large.salon_id} with {large.appointments:,}")
    columns = f"{small.appointments:,} appointments", f"{large.appointments:,} appointments"
    out.append(f"   {'operation':<28}{columns[0]:<44}{columns[1]:<44}goal")
    for op in OPERATIONS:
        goal = f"<= {GOALS[op]}  {_verdict(goals[op])}" if op in GOALS else "-"
        out.append(f"   {LABELS[op]:<28}{_breakdown(small.counts[op]):<44}{_breakdown(large.counts[op]):<44}{goal}")
    retried = {op: r.counts[op].retries for r in counts.values() for op in OPERATIONS if r.counts[op].retries}
    if retried:
        out.append(f"   note: HTTP retries (not in the counts above): {retried}")
    out.append("")
    out.append(f"2. Pure availability: free_slots, {speed['staff']} staff, {speed['days']} days, "
               f"{speed['appointments']} appointments, service {speed['service']} ({speed['runs']} runs)")
    out.append(f"   {'staff':<28}{'median ms':>10}{'p95 ms':>10}{'slots':>8}")
    for label, title in (("one_staff", "one staff member"), ("any_staff", "any staff (merged)")):
        row = speed[label]
        out.append(f"   {title:<28}{row['median_ms']:>10.1f}{row['p95_ms']:>10.1f}{row['slots']:>8}")
    out.append("")
    met = imports["ratio"] <= imports["goal_ratio"]
    out.append(f"3. Cold-start proxy: import in a fresh interpreter (median of {imports['runs']})")
    out.append(f"   {'import app':<28}{imports['app_s'] * 1000:>8.0f} ms")
    out.append(f"   {'import boto3':<28}{imports['boto3_s'] * 1000:>8.0f} ms")
    out.append(f"   {'ratio app / boto3':<28}{imports['ratio']:>8.2f} x   goal <= {imports['goal_ratio']} x  "
               f"{_verdict(met)}")
    extra = ", ".join(f"{name} +{ms:.0f} ms" for name, ms in imports["extra_over_boto3_ms"].items())
    out.append(f"   where app's extra time goes (-X importtime self time, app minus boto3): {extra}")
    out.append("")
    out.append(f"total bench time {elapsed:.0f} s")
    print("\n".join(out))
    print("BENCH_JSON " + json.dumps(_json(counts, speed, imports, goals, elapsed), sort_keys=True,
                                     separators=(",", ":")), flush=True)
