"""One engine's process: build each entry's workload, measure it, print JSON.

    python -m benchmarks.worker '{"engine": "numpy_ref", "jobs": [...]}'

Each job is {"key", "builder", "args", "metric", "warmup", "repeat", "min_seconds", "steps"}.
"""
import importlib
import json
import sys
import time
import tracemalloc

from threadpoolctl import threadpool_info


def measure_time(step, warmup, repeat, min_seconds):
    """Per-call seconds of at least `repeat` calls and `min_seconds`, after a warm-up of at least
    `warmup` calls and a third of `min_seconds` (caches, allocator free lists, lazily built state).

    A step may return sub-times (seconds by name) as a dict.
    """
    start, calls = time.perf_counter(), 0
    while calls < warmup or time.perf_counter() - start < min_seconds / 3:
        step()
        calls += 1
    samples, parts = [], {}
    while len(samples) < repeat or sum(samples) < min_seconds:
        start = time.perf_counter()
        extra = step()
        samples.append(time.perf_counter() - start)
        for name, seconds in (extra or {}).items():
            parts.setdefault(name, []).append(seconds)
    return {"samples": samples, "parts": parts}


def measure_memory(build, warmup, steps):
    """Peak traced bytes of one step (parameters and state included), and growth over `steps`.

    The growth is measured after `steps` settling steps, once the allocators' free lists are full.
    """
    tracemalloc.start()
    step = build()
    for _ in range(warmup):
        step()
    tracemalloc.reset_peak()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    for _ in range(steps):
        step()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(steps):
        step()
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return {"peak": peak, "growth": growth}


def run(engine, jobs):
    """Results by job key, and the thread pools (BLAS, OpenMP) this process loaded."""
    module = importlib.import_module(f"benchmarks.engines.{engine}")
    results = {}
    for job in jobs:
        build = getattr(module, job["builder"])
        args = job["args"]
        if job["metric"] == "memory":
            results[job["key"]] = measure_memory(lambda: build(**args), job["warmup"], job["steps"])
        else:
            results[job["key"]] = measure_time(build(**args), job["warmup"], job["repeat"], job["min_seconds"])
    return {"results": results, "threadpools": threadpool_info()}


if __name__ == "__main__":
    request = json.loads(sys.argv[1])
    json.dump(run(request["engine"], request["jobs"]), sys.stdout)
