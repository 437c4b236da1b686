"""The benchmark suite runs end to end: every row of its table gets a figure.

Smoke mode uses tiny sizes and few repeats, and nothing here looks at a timing: the
figures of a loaded test machine mean nothing, and ``make bench`` is where they count.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
RUN = ROOT / "bench" / "run.py"


def test_the_bench_suite_fills_every_row_of_its_table(tmp_path: Path) -> None:
    rows_file = tmp_path / "rows.json"
    finished = subprocess.run(
        [sys.executable, str(RUN), "--smoke", "--json", str(rows_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr

    sys.path.insert(0, str(ROOT / "bench"))
    from run import ROW_IDS

    report = json.loads(rows_file.read_text())
    assert [row["id"] for row in report["rows"]] == list(ROW_IDS)
    assert all(row["value"] for row in report["rows"])
    for row in report["rows"]:
        assert row["label"] in finished.stdout
    for field in ("date", "cpu", "memory", "os", "node", "cpython", "pyodide"):
        assert report["machine"][field]
