"""Figure 3: a cold-start proxy, the import time of the Chalice app module.

A Lambda cold start runs the handler module's imports before the first request. Each sample is
a fresh interpreter (this venv's python) timing `import app`; a bare `import boto3` is measured
the same way, interleaved, as the floor every Python Lambda on AWS pays. Median of RUNS, after one
discarded warm-up run of each (the OS file cache is warm). The time is the process's CPU time
(user + system): with a warm file cache an import is all CPU, and on a shared machine wall time
would measure the neighbours (it varied 4x between runs here, CPU time a few percent).

Every function of the app (the API and the scheduled/SNS ones) imports app.py, which declares the
routes and loads each area on its first request (chalicelib/api/lazy.py). So `import app` is what
every function pays at start, and the first request of an area adds that area's imports: they are
timed too (`import app` + loading the area), so the cost a client's or an owner's first request
pays is printed, not hidden.

Each figure is taken twice, because compiling the app's source is a large part of it:
  source    app.py and chalicelib/ compiled at every start: what a zip without bytecode costs
            (Lambda cannot write any into /var/task). Run from a copy of the two with
            PYTHONDONTWRITEBYTECODE, so a __pycache__ in the checkout cannot make it faster.
            Libraries come from the venv's bytecode, as boto3 does from the Lambda runtime's.
  bytecode  the same with bytecode the warm-up run compiled (into a private PYTHONPYCACHEPREFIX):
            what the zip `make package` builds ships (infra/package.py compile_bytecode).
Before both were printed, the figure depended on the environment: with PYTHONDONTWRITEBYTECODE
set it was "source", without it the warm-up wrote chalicelib/__pycache__ and it was "bytecode".

`extra_over_boto3_ms` says where the difference goes: the self time of each top-level package
under `import app` minus the same under `import boto3` (one `python -X importtime` run of each,
which adds some overhead of its own; botocore and urllib3 mostly cancel out). Where to look
when the ratio is over its goal.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
GOAL_RATIO = 1.5
# A first request's goals (times a bare `import boto3`), per area subject below.
AREA_GOALS = {"app + public API": 1.2, "app + owner side": 1.5}
MODES = ("source", "bytecode")
SNIPPET = "import time; t=time.process_time(); import {module}{load}; print(time.process_time()-t)"
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


@contextmanager
def _modes():
    """mode -> (working directory, environment) for the fresh interpreters."""
    with tempfile.TemporaryDirectory(prefix="chairtime-bench-") as scratch:
        source = Path(scratch) / "source"
        source.mkdir()
        shutil.copy2(ROOT / "app.py", source / "app.py")
        shutil.copytree(ROOT / "chalicelib", source / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        yield {
            "source": (source, {**base, "PYTHONDONTWRITEBYTECODE": "1"}),
            "bytecode": (ROOT, {**base, "PYTHONPYCACHEPREFIX": str(Path(scratch) / "pycache")}),
        }


def _import_seconds(module: str, areas: tuple[str, ...], where: Path, env: dict) -> float:
    done = subprocess.run([sys.executable, "-c", SNIPPET.format(module=module, load=_load(areas))], cwd=where,
                          env=env, capture_output=True, text=True, check=True)
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


def _figures(medians: dict[str, float]) -> dict:
    app, boto3 = medians["app"], medians["boto3"]
    areas = {label: s for label, s in medians.items() if label not in ("app", "boto3")}
    return {"app_s": app, "boto3_s": boto3, "ratio": app / boto3, "with_areas_s": areas,
            "area_goals": {label: {"ratio": areas[label] / boto3, "goal": goal, "met": areas[label] / boto3 <= goal}
                           for label, goal in AREA_GOALS.items()}}


def measure(runs: int = RUNS) -> dict:
    """The source figures at the top level (as before), the bytecode ones under "bytecode"."""
    samples = {mode: {label: [] for label, _, _ in SUBJECTS} for mode in MODES}
    with _modes() as modes:
        for mode in MODES:
            for _, module, areas in SUBJECTS:
                _import_seconds(module, areas, *modes[mode])  # warm-up, discarded (compiles in "bytecode")
        for _ in range(runs):  # interleaved, so a busy machine slows every figure alike
            for mode in MODES:
                for label, module, areas in SUBJECTS:
                    samples[mode][label].append(_import_seconds(module, areas, *modes[mode]))
    figures = {mode: _figures({label: statistics.median(s) for label, s in samples[mode].items()}) for mode in MODES}
    return {"runs": runs, "goal_ratio": GOAL_RATIO, **figures["source"], "bytecode": figures["bytecode"],
            "extra_over_boto3_ms": _extra_over("app", SUBJECTS[-1][2], "boto3", 6)}
