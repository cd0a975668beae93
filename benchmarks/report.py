"""The results as Markdown: the machine, one table of ratios, and the targets missed or met in only some rounds."""
from .cases import MAX_GROWTH_BYTES
from .machine import describe_threadpools
from .reasons import REASONS

HEADER = "| Workload | Engine | Median | × GEMM limit | Subject ÷ engine | Target | Met |"


def _time(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def _cell(case, result):
    if case.metric == "memory":
        return (f"peak {result['peak'] / 2 ** 20:.3g} MiB, {result['growth'] / 2 ** 10:+.0f} KiB "
                f"over {case.notes['steps']:,} steps")
    if case.metric == "chain":
        return f"{_time(result['value'])}/op (fwd {_time(result['forward'])}, bwd {_time(result['backward'])})"
    return _time(result["value"])


def _value(case, result):
    return result["peak"] if case.metric == "memory" else result["value"]


def verdict(case, results):
    """(ratio of the subject to the reference, whether the target is met)."""
    subject = results[case.entries[0].label]
    ratio = _value(case, subject) / _value(case, results[case.target.reference])
    met = ratio <= case.target.ratio
    if case.metric == "memory":
        met = met and subject["growth"] <= MAX_GROWTH_BYTES
    return ratio, met


def round_ratios(case, results):
    """The subject's median over the reference's in each round (both measured in that round), and in how many
    of them the target was met; none for memory, measured once, nor for a single round, which says no more than
    the median."""
    if case.metric == "memory" or len(results[case.target.reference]["rounds"]) < 2:
        return [], 0
    subject, reference = results[case.entries[0].label], results[case.target.reference]
    ratios = [ours / theirs for ours, theirs in zip(subject["rounds"], reference["rounds"])]
    return ratios, sum(ratio <= case.target.ratio for ratio in ratios)


def _rounds_met(case, results):
    """' (k of n rounds)': in how many rounds the target was met on its own; empty without rounds to count."""
    ratios, met = round_ratios(case, results)
    return f" ({met} of {len(ratios)} rounds)" if ratios else ""


def _target_text(case):
    text = f"≤ {case.target.ratio:g}× {case.target.reference}"
    if case.metric == "memory":
        text += f"; growth ≤ {MAX_GROWTH_BYTES // 1024} KiB"
    return text


def table(cases, results, rates):
    """One row per engine and workload; the subject is each workload's first row."""
    rows = [HEADER, "|" + " --- |" * 7]
    for case in cases:
        measured = results[case.key]
        subject = _value(case, measured[case.entries[0].label])
        limit = case.flops / rates[case.dtype] if case.flops else None
        for position, entry in enumerate(case.entries):
            result = measured[entry.label]
            title = case.title if position == 0 else ""
            if position == 0 and limit:
                title += f" (limit {_time(limit)})"
            multiple = f"{result['value'] / limit:.0f}×" if limit else ""
            ratio = f"{subject / _value(case, result):.2f}" if position else ""
            target = met = ""
            if case.target and entry.label == case.target.reference:
                target = _target_text(case)
                met = ("yes" if verdict(case, measured)[1] else "**no**") + _rounds_met(case, measured)
            rows.append(f"| {title} | {entry.label} | {_cell(case, result)} | {multiple} | {ratio} | {target} | {met} |")
    return "\n".join(rows)


def misses(cases, results):
    """A paragraph per target missed, or met on the medians but not in every round: by how much, and why."""
    lines = []
    for case in cases:
        if case.target is None:
            continue
        ratio, met = verdict(case, results[case.key])
        ratios, rounds_met = round_ratios(case, results[case.key])
        if met and rounds_met == len(ratios):
            continue
        against = f"{ratio:.2f}× {case.target.reference} against a target of {case.target.ratio:g}×"
        summary = (f"{against}: met on the medians, not in every round." if met
                   else f"{against} ({ratio / case.target.ratio:.2f}× over).")
        lines.append(f"- **{case.title}**: {summary}" + _per_round(case, results[case.key]) + " "
                     + REASONS.get(case.key, "") + _gemm_share(case, cases, results))
    return "\n".join(lines) or "Every target is met, in every round."


def _per_round(case, results):
    """A sentence with the ratio of each round, in order, when there were several."""
    ratios, met = round_ratios(case, results)
    if not ratios:
        return ""
    return (f" Round by round (subject and reference measured in the same round): "
            f"{', '.join(f'{ratio:.2f}' for ratio in ratios)}; met in {met} of {len(ratios)}.")


def _gemm_share(case, cases, results):
    """A sentence on the step's GEMMs timed alone in both libraries, when that case was run."""
    gemms = next((other for other in cases if other.key == case.notes.get("gemms")), None)
    if gemms is None:
        return ""
    ours, theirs = (results[gemms.key][entry.label]["value"] for entry in gemms.entries)
    step = results[case.key]
    subject, reference = step[case.entries[0].label]["value"], step[case.target.reference]["value"]
    return (f" In this run the step's GEMMs alone ({gemms.title!r} above) take {_time(ours)} in NumPy's BLAS and "
            f"{_time(theirs)} in PyTorch's; with PyTorch's GEMMs this step would take about "
            f"{(subject - ours + theirs) / reference:.2f}× {case.target.reference}'s time.")


def markdown(cases, results, rates, pools, facts, settings):
    """The whole RESULTS.md."""
    mode = "quick (small sizes, one round; not for comparison)" if settings["grouped"] else (
        f"{settings['rounds']} rounds, each engine in its own process per round (A B A B), "
        f"at least {settings['warmup']} warm-up calls and {settings['min_seconds'] / 3:g} s, then at least "
        f"{settings['repeat']} calls and "
        f"{settings['min_seconds']:g} s per process; medians over all rounds")
    machine = [f"- {name}: {value}" for name, value in facts.items()]
    machine += [f"- GEMM rate ({dtype}, numpy.matmul): {rate / 1e9:.1f} GFLOP/s" for dtype, rate in rates.items()]
    for engine, engine_pools in pools.items():
        machine += [f"- thread pools in the {engine} process: " + "; ".join(describe_threadpools(engine_pools))]
    return "\n".join([
        "# Benchmark results", "",
        "Written by `python -m benchmarks`. The subject of each workload is its first row; "
        "`Subject ÷ engine` is the subject's median over that engine's. `× GEMM limit` is the time over "
        "the workload's matmul FLOPs divided by the machine's GEMM rate (the physical limit). `Met` judges the "
        "medians over all rounds; `(k of n rounds)` counts the rounds whose own medians meet the target.", "",
        f"Mode: {mode}.", "", "## Machine", "", *machine, "", "## Results", "", table(cases, results, rates), "",
        "## Targets missed, or met in only some rounds", "", misses(cases, results), "",
    ])
