"""`python -m benchmarks [--quick] [--rounds N] [--output PATH]`."""
import argparse
import os
import tempfile

from . import cases as suite
from .machine import summary
from .report import markdown
from .runner import gemm_rates, run_cases

FULL = {"grouped": False, "rounds": 3, "warmup": 3, "repeat": 5, "min_seconds": 0.3, "gemm": 1024}
QUICK = {"grouped": True, "rounds": 1, "warmup": 1, "repeat": 1, "min_seconds": 0.0, "gemm": 256}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every workload once, at small sizes")
    parser.add_argument("--rounds", type=int, help="rounds of A B A B (default 3; 1 with --quick)")
    parser.add_argument("--only", help="comma-separated case keys or key prefixes (e.g. mlp-tiny,scalar)")
    parser.add_argument("--output", help="where to write the Markdown (default benchmarks/RESULTS.md; "
                                         "a temporary file with --quick)")
    args = parser.parse_args(argv)
    settings = dict(QUICK if args.quick else FULL)
    if args.rounds:
        settings["rounds"] = args.rounds
    default = (os.path.join(tempfile.gettempdir(), "backprop-lab-bench-quick.md") if args.quick
               else os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    output = args.output or default
    cases = suite.quick_cases() if args.quick else suite.full_cases()
    if args.only:
        prefixes = tuple(args.only.split(","))
        cases = [case for case in cases if case.key.startswith(prefixes)]
    print(f"GEMM rate ({settings['gemm']}x{settings['gemm']})")
    rates = gemm_rates(settings["gemm"])
    results, pools = run_cases(cases, settings)
    text = markdown(cases, results, rates, pools, summary(), settings)
    with open(output, "w") as out:
        out.write(text)
    print(text)
    print(f"written to {output}")


if __name__ == "__main__":
    main()
