"""Benchmarks (issue 3): ``make bench`` or ``python -m tests.bench.run``. See ``run.py`` and ``config.py``."""
