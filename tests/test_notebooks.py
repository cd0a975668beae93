"""Execute every teaching notebook in notebooks/ top to bottom.

A notebook fails when a cell raises, when any output shows an exception (an "error"
output, or a traceback printed to stderr), or when it is stored with outputs (notebooks
are kept clean in git). The kernel is the `python3` kernelspec, checked to run on this
interpreter (the venv's Python), so the notebooks import the project under test.
"""
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell


def test_there_are_notebooks():
    names = [path.name for path in PATHS]
    for prefix in ("01_", "02_", "03_", "04_", "05_", "06_", "07_"):
        assert any(name.startswith(prefix) for name in names), f"no notebook {prefix}*.ipynb in {NOTEBOOKS}"


def _check_interpreter_cell():
    return nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")


def _exceptions_in(cell):
    """Every output of a code cell that shows an exception, as text."""
    found = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            found.append(f"{output.get('ename')}: {output.get('evalue')}")
        elif output.get("output_type") == "stream" and output.get("name") == "stderr":
            text = output.get("text", "")
            if "Traceback (most recent call last)" in text:
                found.append(text)
        elif output.get("output_type") in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain", "")
            if "Traceback (most recent call last)" in text:
                found.append(text)
    return found


@pytest.mark.parametrize("path", PATHS, ids=[path.name for path in PATHS])
def test_notebook_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    stored = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and cell.get("outputs")]
    assert not stored, f"{path.name}: cells {stored} are stored with outputs; clear them before committing"

    nb.cells.insert(0, _check_interpreter_cell())
    env_path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(tmp_path)}})
    # a scratch working directory, so what a notebook writes stays out of the repository
    # one BLAS thread: the notebooks multiply small matrices, where OpenBLAS's threads only fight over the
    # cores (ten to fifty times slower when the test suite or anything else keeps the cores busy)
    env = {**os.environ, "PATH": env_path, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    client.execute(cwd=str(tmp_path), env=env)

    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream").strip()
    assert os.path.realpath(printed) == os.path.realpath(sys.executable), \
        f"{path.name}: the kernel ran {printed}, not this interpreter {sys.executable}"
    for index, cell in enumerate(nb.cells[1:]):
        if cell.cell_type == "code":
            shown = _exceptions_in(cell)
            assert not shown, f"{path.name}, cell {index}: output shows an exception:\n" + "\n".join(shown)
