"""`python -m bench` (`make bench`): measure the four figures, then print them (see bench/__init__.py)."""
import sys
import time

from . import (
    availability_speed,
    broadcast_requests,
    imports,
    message_cost,
    package_size,
    report,
    reports_requests,
    request_counts,
    sweep_reads,
)


def main() -> int:
    started = time.perf_counter()
    # The CPU-bound figures first, while no DynamoDB Local JVM competes for the cores.
    report.progress("timing `import app` and `import boto3` in fresh interpreters")
    import_times = imports.measure()
    report.progress("timing the pure availability computation")
    speed = availability_speed.measure()
    report.progress("building the prod deployment package")
    package = package_size.measure(progress=report.progress)
    counts = request_counts.measure(progress=report.progress)
    sweeps = sweep_reads.measure(progress=report.progress)
    records_and_reports = reports_requests.measure(progress=report.progress)
    costs = message_cost.measure(progress=report.progress)
    broadcast = broadcast_requests.measure(progress=report.progress)
    report.print_report(counts, speed, import_times, package, sweeps, time.perf_counter() - started,
                        message_cost.lines(costs) + broadcast_requests.lines(broadcast),
                        {**message_cost.as_json(costs), **broadcast_requests.as_json(broadcast)})
    reports_requests.print_section(records_and_reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
