"""Seeds the RNGs every Python runner has, whatever the framework, and describes the machine."""
import os
import random

import numpy as np


def seed_python_and_numpy(seed: int) -> dict:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    return {"python_random_seed": seed, "numpy_seed": seed % 2**32, "cpu_count": os.cpu_count(),
            # Other work on the machine distorts timings badly (PyTorch's OpenMP threads slow down many times over
            # when another process holds a core), so the load the run started under is kept with it.
            "load_average_1m_at_start": round(os.getloadavg()[0], 2),
            # The CPUs the process may run on: the orchestrator pins parallel cells to their own cores.
            "cpu_affinity": cpu_affinity()}


def cpu_affinity():
    """The CPUs this process may run on, as a kernel CPU list (`0-3`); None where the OS does not say."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    parts, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        parts.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(parts)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def installed_versions(*distributions: str) -> dict:
    """Versions of supporting packages from their metadata, without importing them (imports cost seconds)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in distributions:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found
