"""The only place that prints: progress on stderr, the table and the BENCH_JSON line on stdout."""
import json
import sys
from zoneinfo import ZoneInfo

from infra.package import mb

from . import sweep_reads
from .counting import Counted
from .request_counts import GOALS, OPERATIONS, PROVIDER_GOALS, SALONS, SalonResult

LABELS = {
    "availability_1_day": "availability, 1 day", "availability_31_days": "availability, 31 days",
    "booking": "booking (new client, key)", "booking_replay": "same booking retried", "manage_view": "manage view",
    "cancel": "cancel", "waitlist_join": "waitlist join (new client)",
    "client_area_home": "client area home, 200 past",
    "deposit_booking": "deposit booking (+checkout)", "deposit_webhook": "deposit paid (webhook)",
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


JOB_LABELS = {"reminder_sweep": "reminder sweep", "noshow_sweep": "no-show sweep", "dispatcher": "dispatcher",
              "deposit_expiry_sweep": "deposit expiry"}
JOB_ORDER = ("reminder_sweep", "noshow_sweep", "deposit_expiry_sweep", "dispatcher")
READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})


def _sweeps_json(sweeps: dict, met: bool) -> dict:
    sizes = {}
    for r in sweeps["results"]:
        if r.skipped:
            sizes[str(r.size)] = {"skipped": r.skipped}
            continue
        sizes[str(r.size)] = {
            "appointments": r.appointments, "in_due_index": r.in_due_index, "seed_s": round(r.seed_s, 1),
            "sent": r.sent, "work_as_expected": r.work_as_expected,
            "jobs": {job: {"items_read": r.counts[job].items_read,
                           "items_by_operation": dict(sorted(r.counts[job].items.items())),
                           "requests": r.counts[job].total, "by_operation": dict(sorted(r.counts[job].calls.items())),
                           "retries": r.counts[job].retries, "outcomes": r.outcomes[job]} for job in JOB_ORDER},
        }
    timeline = next((r.timeline for r in sweeps["results"] if r.timeline), None)
    return {
        "due": sweeps["due"], "salons": sweeps["salons"], "due_salons": sweeps["due_salons"], "sizes": sizes,
        "runs_utc": {job: getattr(timeline, f"{run}_run").isoformat() for job, run in
                     (("reminder_sweep", "reminder"), ("dispatcher", "dispatch"), ("noshow_sweep", "noshow"),
                      ("deposit_expiry_sweep", "deposit"))}
        if timeline else None,
        "goal": {"same_for_all_sizes": True, "met": met and all(not r.skipped for r in sweeps["results"]),
                 "same_for_sizes_run": met, "sizes_run": [r.size for r in sweeps["results"] if not r.skipped],
                 "sizes_skipped": [r.size for r in sweeps["results"] if r.skipped]},
    }


def _json(counts, speed, imports, package, sweeps, goals, elapsed) -> dict:
    return {
        "dynamodb_requests": {
            label: {
                "salon_id": result.salon_id, "appointments": result.appointments,
                "operations": {op: {"total": c.total, "by_operation": dict(sorted(c.calls.items())),
                                    "retries": c.retries} for op, c in result.counts.items()},
            } for label, result in counts.items()
        },
        "dynamodb_goals": {op: {"max_requests": GOALS[op], "met": met} for op, met in goals.items()},
        "payment_provider_calls": {op: {"calls": {label: r.provider_calls[op] for label, r in counts.items()},
                                        "goal": goal} for op, goal in PROVIDER_GOALS.items()},
        "availability_compute": {k: ({m: round(v, 3) for m, v in val.items()} if isinstance(val, dict) else val)
                                 for k, val in speed.items()},
        "import_time": {"runs": imports["runs"], "app_s": round(imports["app_s"], 4),
                        "boto3_s": round(imports["boto3_s"], 4), "ratio": round(imports["ratio"], 3),
                        "goal_ratio": imports["goal_ratio"], "met": imports["ratio"] <= imports["goal_ratio"],
                        "with_areas_s": {k: round(v, 4) for k, v in imports["with_areas_s"].items()},
                        "area_goals": {k: {"ratio": round(v["ratio"], 3), "goal": v["goal"], "met": v["met"]}
                                       for k, v in imports["area_goals"].items()},
                        "bytecode": {"app_s": round(imports["bytecode"]["app_s"], 4),
                                     "boto3_s": round(imports["bytecode"]["boto3_s"], 4),
                                     "ratio": round(imports["bytecode"]["ratio"], 3),
                                     "with_areas_s": {k: round(v, 4) for k, v in
                                                      imports["bytecode"]["with_areas_s"].items()},
                                     "area_goals": {k: {"ratio": round(v["ratio"], 3), "goal": v["goal"],
                                                        "met": v["met"]}
                                                    for k, v in imports["bytecode"]["area_goals"].items()}},
                        "extra_over_boto3_ms": {k: round(v, 1) for k, v in imports["extra_over_boto3_ms"].items()}},
        "package": package,
        "sweep_items_read": _sweeps_json(sweeps, sweep_reads.same_for_all(sweeps["results"])),
        "elapsed_s": round(elapsed, 1),
    }


def _sweep_lines(sweeps: dict) -> list[str]:
    results, due = sweeps["results"], sweeps["due"]
    ran = [r for r in results if not r.skipped]
    met = sweep_reads.same_for_all(results)
    out = [f"4. Items read by the scheduled sweeps (DynamoDB Local, a fresh table per size, {sweeps['salons']} salons)",
           f"   due in every table: {due['reminders']} reminders, {due['noshow_checks']} no-show checks and "
           f"{due['unpaid_deposits']} unpaid deposits "
           f"(in {sweeps['due_salons']} salons), each for a client of its own"]
    if ran:
        tz, timeline = ZoneInfo(sweeps["timezone"]), ran[0].timeline
        out.append(f"   lane cursors at {timeline.day}; reminder sweep {timeline.reminder_run.astimezone(tz):%H:%M}, "
                   f"dispatcher {timeline.dispatch_run.astimezone(tz):%H:%M}, "
                   f"no-show sweep {timeline.noshow_run.astimezone(tz):%H:%M}, "
                   f"deposit expiry {timeline.deposit_run.astimezone(tz):%H:%M} ({sweeps['timezone']})")
    out.append("   items: ScannedCount of each Query + 1 per GetItem that found its item (botocore after-call); "
               "requests: API calls")
    head = "".join(f"{JOB_LABELS[job]:<20}" for job in JOB_ORDER)
    out.append(f"   {'appointments':>12}{'in due index':>14}{'seed s':>8}   {head}".rstrip())
    sub = "".join(f"{'items':>6}{'requests':>10}{'':4}" for _ in JOB_ORDER[:-1])
    sub += f"{'items':>6}{'requests':>10}{'sent':>6}"
    out.append(f"   {'':>12}{'':>14}{'':>8}   {sub}")
    for r in results:
        if r.skipped:
            out.append(f"   {r.size:>12,}  not run: {r.skipped}")
            continue
        cells = "".join(f"{r.counts[job].items_read:>6}{r.counts[job].total:>10}{'':4}" for job in JOB_ORDER[:-1])
        last = r.counts[JOB_ORDER[-1]]
        out.append(f"   {r.appointments:>12,}{r.in_due_index:>14,}{r.seed_s:>8.1f}   {cells}"
                   f"{last.items_read:>6}{last.total:>10}{r.sent:>6}")
    for r in ran:
        if not r.work_as_expected:
            out.append(f"   note: with {r.size:,} appointments the jobs did not do the expected work: {r.outcomes} "
                       f"(sent {r.sent})")
    if ran:
        out.append("   by operation: items read (requests), then the writes" + (
            ", the same for every size that ran:" if met else f", with {ran[0].size:,} appointments:"))
        for job in JOB_ORDER:
            counted = ran[0].counts[job]
            reads = " + ".join(f"{op} {counted.items[op]} ({n})" for op, n in sorted(counted.calls.items())
                               if op in READS)
            writes = " + ".join(f"{n}x{op}" for op, n in sorted(counted.calls.items()) if op not in READS)
            out.append(f"     {JOB_LABELS[job]:<16}{reads}; writes {writes or 'none'}")
        retried = {(r.size, job): r.counts[job].retries for r in ran for job in JOB_ORDER if r.counts[job].retries}
        if retried:
            out.append(f"   note: HTTP retries (not in the counts above): {retried}")
    skipped = ", ".join(f"{r.size:,}" for r in results if r.skipped)
    verdict = _verdict(met) if not skipped else (
        f"met for the sizes that ran, NOT SHOWN for {skipped} (not run)" if met else "MISSED")
    out.append(f"   goal: the same items read and requests for every size  {verdict}")
    return out


def _package_lines(package: dict) -> list[str]:
    if package.get("skipped"):
        return [f"   deployment package: not measured: {package['skipped']}"]
    met = package["zipped"] <= package["goal_zipped"]
    largest = ", ".join(f"{name} {mb(size)}" for name, size in package["largest_unzipped"].items())
    return [f"   {'deployment package (' + package['stage'] + ')':<28}{mb(package['zipped']):>11} zipped, "
            f"{mb(package['unzipped'])} unzipped   goal < {mb(package['goal_zipped'])} zipped  {_verdict(met)}   "
            f"boto3 bundled: {'yes' if package['boto3_bundled'] else 'no'}",
            f"   largest parts, unzipped: {largest}"]


def _import_lines(imports: dict) -> list[str]:
    out = []
    met = imports["ratio"] <= imports["goal_ratio"]
    compiled = imports["bytecode"]
    out.append(f"3. Cold start: import in a fresh interpreter (median of {imports['runs']}), and the package")
    out.append(f"   {'':<28}{'from source':>28}{'with bytecode (the zip)':>24}   goal")
    out.append(f"   {'import boto3':<28}{imports['boto3_s'] * 1000:>12.0f} ms{'':<13}"
               f"{compiled['boto3_s'] * 1000:>11.0f} ms{'':<10}   the floor of every Python Lambda")
    out.append(f"   {'import app':<28}{imports['app_s'] * 1000:>12.0f} ms {imports['ratio']:>5.2f} x boto3"
               f"{compiled['app_s'] * 1000:>8.0f} ms {compiled['ratio']:>5.2f} x boto3   "
               f"<= {imports['goal_ratio']} x  {_verdict(met)}   (every function's start)")
    out.append("   a first request also loads its area (chalicelib/api/lazy.py); these include `import app`:")
    for label, seconds in imports["with_areas_s"].items():
        ratio, with_bytecode = seconds / imports["boto3_s"], compiled["with_areas_s"][label]
        goal = imports["area_goals"].get(label)
        verdicts = (f"   <= {goal['goal']} x  source {_verdict(goal['met'])}, with bytecode "
                    f"{_verdict(compiled['area_goals'][label]['met'])}") if goal else ""
        out.append(f"   {label:<28}{seconds * 1000:>12.0f} ms {ratio:>5.2f} x boto3"
                   f"{with_bytecode * 1000:>8.0f} ms {with_bytecode / compiled['boto3_s']:>5.2f} x boto3{verdicts}")
    extra = ", ".join(f"{name} +{ms:.0f} ms" for name, ms in imports["extra_over_boto3_ms"].items())
    out.append(f"   where app + every area's extra time goes (-X importtime self time, minus boto3's): {extra}")
    return out


def print_report(counts: dict[str, SalonResult], speed: dict, imports: dict, package: dict, sweeps: dict,
                 elapsed: float, more_lines: list[str] = (), more_json: dict | None = None) -> None:
    """`more_lines`, `more_json`: another section's table lines and BENCH_JSON keys (message cost)."""
    goals = _goals(counts)
    small, large = (counts[label] for label in SALONS)
    out = []
    out.append("Chairtime bench")
    out.append("")
    out.append("1. DynamoDB requests per operation (API calls on botocore before-call events, DynamoDB Local)")
    out.append(f"   salons: {small.salon_id} with {small.appointments:,} appointments, "
               f"{large.salon_id} with {large.appointments:,}")
    columns = f"{small.appointments:,} appointments", f"{large.appointments:,} appointments"
    out.append(f"   {'operation':<28}{columns[0]:<56}{columns[1]:<56}goal")
    for op in OPERATIONS:
        goal = f"<= {GOALS[op]}  {_verdict(goals[op])}" if op in GOALS else "-"
        out.append(f"   {LABELS[op]:<28}{_breakdown(small.counts[op]):<56}{_breakdown(large.counts[op]):<56}{goal}")
    retried = {op: r.counts[op].retries for r in counts.values() for op in OPERATIONS if r.counts[op].retries}
    if retried:
        out.append(f"   note: HTTP retries (not in the counts above): {retried}")
    for op, goal in PROVIDER_GOALS.items():
        made = [r.provider_calls[op] for r in counts.values()]
        out.append(f"   payment provider calls, {LABELS[op]}: {' / '.join(map(str, made))}   goal <= {goal}  "
                   f"{_verdict(all(n <= goal for n in made))}")
    out.append("")
    out.append(f"2. Pure availability: free_slots, {speed['staff']} staff, {speed['days']} days, "
               f"{speed['appointments']} appointments, service {speed['service']} ({speed['runs']} runs)")
    out.append(f"   {'staff':<28}{'median ms':>10}{'p95 ms':>10}{'slots':>8}")
    for label, title in (("one_staff", "one staff member"), ("any_staff", "any staff (merged)")):
        row = speed[label]
        out.append(f"   {title:<28}{row['median_ms']:>10.1f}{row['p95_ms']:>10.1f}{row['slots']:>8}")
    out.append("")
    out.extend(_import_lines(imports))
    out.extend(_package_lines(package))
    out.append("")
    out.extend(_sweep_lines(sweeps))
    out.extend(more_lines)
    out.append("")
    out.append(f"total bench time {elapsed:.0f} s")
    print("\n".join(out))
    figures = {**_json(counts, speed, imports, package, sweeps, goals, elapsed), **(more_json or {})}
    print("BENCH_JSON " + json.dumps(figures, sort_keys=True, separators=(",", ":")), flush=True)
