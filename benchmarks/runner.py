"""Run the cases: every engine in its own process, alternating engines over rounds."""
import json
import os
import subprocess
import sys
from statistics import median

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_worker(engine, jobs):
    """Run `jobs` in a fresh process of `engine`; returns the worker's JSON."""
    request = json.dumps({"engine": engine, "jobs": jobs})
    done = subprocess.run([sys.executable, "-m", "benchmarks.worker", request], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"benchmark worker for {engine} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def _job(case, entry, settings):
    return {"key": f"{case.key}/{entry.label}", "builder": entry.builder, "args": entry.args,
            "metric": case.metric, "warmup": settings["warmup"], "repeat": settings["repeat"],
            "min_seconds": settings["min_seconds"], "steps": case.notes.get("steps", 0)}


def _engines_in_order(cases):
    order = []
    for case in cases:
        for entry in case.entries:
            if entry.engine not in order:
                order.append(entry.engine)
    return order


def run_cases(cases, settings, log=print):
    """Measure every entry of `cases`.

    Each group of cases (one case, or all of them with settings["grouped"]) runs
    A B A B: per round, one process per engine, each running its own entries only.
    Returns per case key and entry label the median (or the memory figures), and the
    thread pools each engine loaded.
    """
    groups = [cases] if settings["grouped"] else [[case] for case in cases]
    raw, pools = {}, {}
    for group in groups:
        rounds = 1 if all(case.metric == "memory" for case in group) else settings["rounds"]
        for round_index in range(rounds):
            for engine in _engines_in_order(group):
                jobs = [_job(case, entry, settings) for case in group for entry in case.entries
                        if entry.engine == engine]
                log(f"  round {round_index + 1}/{rounds}: {engine}: {', '.join(job['key'] for job in jobs)}")
                answer = run_worker(engine, jobs)
                pools[engine] = answer["threadpools"]
                for key, result in answer["results"].items():
                    raw.setdefault(key, []).append(result)
    return {case.key: {entry.label: _summarise(case, entry, raw[f"{case.key}/{entry.label}"])
                       for entry in case.entries} for case in cases}, pools


def _summarise(case, entry, results):
    """The median over all rounds' samples ("value", and each part's), and each round's own median ("rounds");
    memory's one result as it is."""
    if case.metric == "memory":
        return results[0]
    summary = {"value": median(s for r in results for s in r["samples"]) / entry.per,
               "rounds": [median(r["samples"]) / entry.per for r in results]}
    for part in results[0]["parts"]:
        summary[part] = median(s for r in results for s in r["parts"][part]) / entry.per
    return summary


def gemm_rates(size):
    """FLOP/s of an n x n matmul per dtype (best of several), measured in a NumPy process."""
    jobs = [{"key": dtype, "builder": "gemm", "args": {"n": size, "dtype": dtype}, "metric": "time",
             "warmup": 3, "repeat": 20, "min_seconds": 0, "steps": 0} for dtype in ("float32", "float64")]
    answer = run_worker("numpy_ref", jobs)
    return {dtype: 2 * size ** 3 / min(result["samples"]) for dtype, result in answer["results"].items()}
