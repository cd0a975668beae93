"""autograd.memory: freed blocks are reused instead of page-faulting again (glibc)."""
import os
import platform
import subprocess
import sys
import textwrap

_FAULTS_PER_ALLOCATION = textwrap.dedent("""
    import resource, sys
    import numpy as np
    import autograd
    applied = autograd.keep_freed_memory(sys.argv[1] == "keep")
    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):  # warm up: the heap grows once
        np.ones(2**17)
    start = faults()
    for _ in range(50):
        np.ones(2**17)  # 1 MiB (below huge-page size), written in full, then freed
    print(applied, (faults() - start) / 50)
""")


def _run(mode, **environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    env.update(environment)
    output = subprocess.run([sys.executable, "-c", _FAULTS_PER_ALLOCATION, mode], env=env, check=True,
                            capture_output=True, text=True).stdout.split()
    return output[0] == "True", float(output[1])


def test_kept_memory_does_not_fault_again_and_returned_memory_does():
    applied, kept = _run("keep")
    if platform.libc_ver()[0] != "glibc":  # macOS, musl: nothing to set
        assert not applied
        return
    assert applied
    _, returned = _run("return")
    assert kept < 2, kept  # the 1 MiB block comes back from the heap: no new pages
    assert returned > 50, returned  # fresh pages every time: 256 pages of 4 KiB


def test_the_environment_settings_of_glibc_win():
    assert not _run("keep", MALLOC_MMAP_THRESHOLD_=str(128 * 1024))[0]
    assert not _run("keep", GLIBC_TUNABLES="glibc.malloc.trim_threshold=131072")[0]
    unrelated_applied, _ = _run("keep", GLIBC_TUNABLES="glibc.malloc.tcache_count=0")
    assert unrelated_applied == (platform.libc_ver()[0] == "glibc")
