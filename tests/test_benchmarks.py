"""The benchmark suite runs end to end at quick sizes (no time is asserted)."""
import os
import subprocess
import sys

from benchmarks.cases import quick_cases

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_run_reports_every_workload_and_engine(tmp_path):
    output = tmp_path / "results.md"
    subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)],
                   cwd=ROOT, check=True, capture_output=True)
    text = output.read_text()
    assert "## Machine" in text and "GEMM rate (float32" in text and "thread pools in the" in text
    assert "## Results" in text and "## Targets missed" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    for case in quick_cases():
        start = next(i for i, row in enumerate(rows) if row.startswith(f"| {case.title}"))
        engines = [row.split(" | ")[1] for row in rows[start:start + len(case.entries)]]
        assert engines == [entry.label for entry in case.entries]
