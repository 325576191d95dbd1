"""Figure 3: a cold-start proxy, the import time of the Chalice app module.

A Lambda cold start runs the handler module's imports before the first request. Each sample is
a fresh interpreter (this venv's python, cwd = the project) timing `import app` with
perf_counter; a bare `import boto3` is measured the same way, interleaved, as the floor every
Python Lambda on AWS pays. One discarded warm-up run of each first, so bytecode is compiled and
the OS file cache is warm, as on a Lambda host re-using its image. Median of RUNS.

Every function of the app (the API and the scheduled/SNS ones) imports app.py, which declares the
routes and loads each area on its first request (chalicelib/api/lazy.py). So `import app` is what
every function pays at start, and the first request of an area adds that area's imports: they are
timed too (`import app` + loading the area), so the cost a client's or an owner's first request
pays is printed, not hidden.

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
SNIPPET = "import time; t=time.perf_counter(); import {module}{load}; print(time.perf_counter()-t)"
# What is timed: (label, module, areas loaded after the import). The first two are the goal's figures.
SUBJECTS = (
    ("app", "app", ()),
    ("boto3", "boto3", ()),
    ("app + public API", "app", ("public",)),
    ("app + booking pages", "app", ("pages",)),
    ("app + owner side", "app", ("owner_auth", "owner_agenda", "owner_clients", "owner_settings")),
    ("app + client area", "app", ("client_pages", "client_api")),
    ("app + every area", "app", ("public", "docs", "pages", "owner_auth", "owner_agenda", "owner_clients",
                                 "owner_settings", "client_pages", "client_api")),
)


def _load(areas: tuple[str, ...]) -> str:
    return f"; app.areas.load(*{areas!r})" if areas else ""


def _import_seconds(module: str, areas: tuple[str, ...] = ()) -> float:
    done = subprocess.run([sys.executable, "-c", SNIPPET.format(module=module, load=_load(areas))], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _self_ms_by_package(module: str, areas: tuple[str, ...] = ()) -> Counter:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}{_load(areas)}"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    by_package: Counter = Counter()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        self_us, _, name = line[len("import time:"):].split("|")
        if self_us.strip().isdigit():
            by_package[name.strip().split(".")[0]] += int(self_us) / 1000
    return by_package


def _extra_over(module: str, areas: tuple[str, ...], floor: str, top: int) -> dict[str, float]:
    extra = _self_ms_by_package(module, areas)
    extra.subtract(_self_ms_by_package(floor))
    return {name: ms for name, ms in extra.most_common(top) if ms > 0}


def measure(runs: int = RUNS) -> dict:
    samples: dict[str, list[float]] = {label: [] for label, _, _ in SUBJECTS}
    for _, module, areas in SUBJECTS:
        _import_seconds(module, areas)  # warm-up, discarded
    for _ in range(runs):
        for label, module, areas in SUBJECTS:
            samples[label].append(_import_seconds(module, areas))
    medians = {label: statistics.median(seconds) for label, seconds in samples.items()}
    app, boto3 = medians["app"], medians["boto3"]
    return {
        "runs": runs, "app_s": app, "boto3_s": boto3, "ratio": app / boto3, "goal_ratio": GOAL_RATIO,
        "with_areas_s": {label: s for label, s in medians.items() if label not in ("app", "boto3")},
        "extra_over_boto3_ms": _extra_over("app", SUBJECTS[-1][2], "boto3", 6),
    }
