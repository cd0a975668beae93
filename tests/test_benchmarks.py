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


def test_a_missed_medium_step_says_what_its_gemms_cost():
    from benchmarks.cases import LAB, NUMPY, TORCH, full_cases
    from benchmarks.report import misses

    cases = [case for case in full_cases() if case.key in ("mlp-medium-float32", "gemm-medium-float32")]
    step, gemms = cases
    results = {
        step.key: {LAB: {"value": 1.8e-3, "rounds": [1.8e-3]}, NUMPY: {"value": 2.6e-3, "rounds": [2.6e-3]},
                   TORCH: {"value": 1.5e-3, "rounds": [1.5e-3]}},
        gemms.key: {gemms.entries[0].label: {"value": 0.6e-3, "rounds": [0.6e-3]},
                    TORCH: {"value": 0.4e-3, "rounds": [0.4e-3]}},
    }
    text = misses(cases, results)
    assert text.startswith("- **MLP step medium float32**: 1.20× PyTorch against a target of 1× (1.20× over). "
                           "The step is GEMMs")  # one round: no round-by-round sentence
    # (1.8 - 0.6 + 0.4) / 1.5 = 1.0667: the step with PyTorch's GEMMs in place of NumPy's
    assert text.endswith("take 600 µs in NumPy's BLAS and 400 µs in PyTorch's; with PyTorch's GEMMs this step "
                         "would take about 1.07× PyTorch's time.")
    assert "GEMMs alone" not in misses([step], results)  # not run: nothing said


def test_the_report_counts_the_rounds_that_meet_a_target():
    from benchmarks.cases import LAB, NUMPY, TORCH, full_cases
    from benchmarks.report import misses, round_ratios, table

    case = next(case for case in full_cases() if case.key == "mlp-tiny-float64")
    # four rounds: the subject's and PyTorch's own medians pair up round by round; the third sits on the line
    measured = {LAB: {"value": 2.7e-4, "rounds": [2.6e-4, 2.7e-4, 2.5e-4, 2.8e-4]},
                NUMPY: {"value": 2.1e-4, "rounds": [2.1e-4, 2.1e-4, 2.1e-4, 2.1e-4]},
                TORCH: {"value": 5.0e-4, "rounds": [5.4e-4, 4.5e-4, 5.0e-4, 5.0e-4]}}
    ratios, met = round_ratios(case, measured)
    assert ratios == [2.6e-4 / 5.4e-4, 2.7e-4 / 4.5e-4, 2.5e-4 / 5.0e-4, 2.8e-4 / 5.0e-4] and met == 2
    row = next(row for row in table([case], {case.key: measured}, {"float64": 1e11}).splitlines()
               if row.startswith("|  | PyTorch |"))
    assert row.endswith("| 0.54 | ≤ 0.5× PyTorch | **no** (2 of 4 rounds) |")
    text = misses([case], {case.key: measured})
    assert ("(1.08× over). Round by round (subject and reference measured in the same round): 0.48, 0.60, 0.50, "
            "0.56; met in 2 of 4. At this size") in text

    one_round = {label: {"value": result["value"], "rounds": [result["value"]]} for label, result in measured.items()}
    row = next(row for row in table([case], {case.key: one_round}, {"float64": 1e11}).splitlines()
               if row.startswith("|  | PyTorch |"))
    assert row.endswith("| **no** |")  # one round: no count
    assert "Round by round" not in misses([case], {case.key: one_round})


def test_a_target_met_on_the_medians_but_not_in_every_round_is_explained():
    from benchmarks.cases import LAB, NUMPY, TORCH, full_cases
    from benchmarks.report import misses

    case = next(case for case in full_cases() if case.key == "mlp-tiny-float64")
    measured = {LAB: {"value": 2.4e-4, "rounds": [2.4e-4, 2.4e-4, 2.4e-4]},
                NUMPY: {"value": 2.1e-4, "rounds": [2.1e-4, 2.1e-4, 2.1e-4]},
                TORCH: {"value": 5.0e-4, "rounds": [5.0e-4, 4.5e-4, 5.2e-4]}}
    text = misses([case], {case.key: measured})
    assert text.startswith("- **MLP step tiny float64**: 0.48× PyTorch against a target of 0.5×: met on the "
                           "medians, not in every round. Round by round (subject and reference measured in the "
                           "same round): 0.48, 0.53, 0.46; met in 2 of 3. At this size")
    every_round = {label: {**result, "rounds": [result["value"]] * 3} for label, result in measured.items()}
    assert misses([case], {case.key: every_round}) == "Every target is met, in every round."
