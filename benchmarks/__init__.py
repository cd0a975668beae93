"""The benchmark suite: this project against naive NumPy, PyTorch and micrograd.

Run `python -m benchmarks` (or `make bench`); `--quick` runs every workload once at
small sizes. Each engine runs in its own process; the table goes to RESULTS.md.
"""
