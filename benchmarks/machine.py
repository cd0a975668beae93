"""What the numbers were measured on: CPU, cores, BLAS, and the GEMM rate."""
import os
import platform
from importlib import metadata


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, else what `platform` knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_threadpools(pools):
    """One line per thread pool: library, version, kernel architecture, threads."""
    lines = []
    for pool in pools:
        kernel = f", kernel {pool['architecture']}" if pool.get("architecture") else ""
        version = f" {pool['version']}" if pool.get("version") else ""
        lines.append(f"{pool['internal_api']}{version} ({pool['user_api']}{kernel}, "
                     f"{pool['num_threads']} threads, {os.path.basename(pool['filepath'])})")
    return lines


def summary():
    """CPU model, logical cores, Python, OS, and the versions of the engines' libraries."""
    facts = {"CPU": cpu_model(), "Logical cores": os.cpu_count(), "Python": platform.python_version(),
             "OS": platform.platform(),
             "Load average at start (1, 5, 15 min)": ", ".join(f"{load:.2f}" for load in os.getloadavg())}
    for package in ("numpy", "torch", "micrograd"):
        try:
            facts[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            facts[package] = "not installed"
    return facts
