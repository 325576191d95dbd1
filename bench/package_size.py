"""Part of figure 3: the deployment package, built as `make package STAGE=prod` builds it (into a
temporary directory, so dist/ is left alone), and its size zipped and unzipped.

Needs the wheelhouse (.wheelhouse/, downloaded once from the package index, then offline); when it
cannot be had, the figure says why instead of a number.
"""
import subprocess
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from infra import package

STAGE = "prod"
GOAL_ZIPPED = 10 * 1024 * 1024


def _largest(zip_path: Path, top: int = 5) -> dict[str, int]:
    """Unzipped bytes per top-level distribution or folder of the zip."""
    by_part: Counter = Counter()
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            by_part[info.filename.split("/")[0]] += info.file_size
    return dict(by_part.most_common(top))


def measure(progress) -> dict:
    try:
        package.ensure_wheelhouse(log=progress)
    except (subprocess.CalledProcessError, OSError) as error:
        return {"skipped": f"no wheelhouse and the package index could not be reached ({error})"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / STAGE
        package.build(STAGE, out, "eu-west-1", build_dir=Path(tmp) / "build", log=progress)
        zip_path = out / "deployment.zip"
        zipped, unzipped = package.sizes(zip_path)
        largest = _largest(zip_path)
        with zipfile.ZipFile(zip_path) as archive:
            bundled = any(name.startswith(("boto3/", "botocore/")) for name in archive.namelist())
    return {"stage": STAGE, "zipped": zipped, "unzipped": unzipped, "goal_zipped": GOAL_ZIPPED,
            "boto3_bundled": bundled, "largest_unzipped": largest}
