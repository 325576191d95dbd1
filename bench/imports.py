"""Figure 3: a cold-start proxy, the import time of the Chalice app module.

A Lambda cold start runs the handler module's imports before the first request. Each sample is
a fresh interpreter (this venv's python, cwd = the project) timing `import app` with
perf_counter; a bare `import boto3` is measured the same way, interleaved, as the floor every
Python Lambda on AWS pays. One discarded warm-up run of each first, so bytecode is compiled and
the OS file cache is warm, as on a Lambda host re-using its image. Median of RUNS.

`extra_over_boto3_ms` says where the difference goes: the self time of each top-level package
under `import app` minus the same under `import boto3` (one `python -X importtime` run of each,
which adds some overhead of its own; botocore and urllib3 mostly cancel out). Where to look
when the ratio is over its goal.
"""
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
GOAL_RATIO = 1.5
SNIPPET = "import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"


def _import_seconds(module: str) -> float:
    done = subprocess.run([sys.executable, "-c", SNIPPET.format(module=module)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _self_ms_by_package(module: str) -> Counter:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    by_package: Counter = Counter()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        self_us, _, name = line[len("import time:"):].split("|")
        if self_us.strip().isdigit():
            by_package[name.strip().split(".")[0]] += int(self_us) / 1000
    return by_package


def _extra_over(module: str, floor: str, top: int) -> dict[str, float]:
    extra = _self_ms_by_package(module)
    extra.subtract(_self_ms_by_package(floor))
    return {name: ms for name, ms in extra.most_common(top) if ms > 0}


def measure(runs: int = RUNS) -> dict:
    samples: dict[str, list[float]] = {"app": [], "boto3": []}
    for module in samples:
        _import_seconds(module)  # warm-up, discarded
    for _ in range(runs):
        for module, seconds in samples.items():
            seconds.append(_import_seconds(module))
    app, boto3 = statistics.median(samples["app"]), statistics.median(samples["boto3"])
    return {
        "runs": runs, "app_s": app, "boto3_s": boto3, "ratio": app / boto3, "goal_ratio": GOAL_RATIO,
        "extra_over_boto3_ms": _extra_over("app", "boto3", 6),
    }
