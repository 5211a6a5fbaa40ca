"""Performance benchmarks of tallytui, run with ``make bench`` (``python -m benchmarks``).

- ``core``: the group registry, timing of a real command in a subprocess, the result table.
- ``history``: a large deterministic history (five years, 150,000 sessions, two million
  heartbeats, 3,000 invoices), generated once and cached in ``bench-data/``.
- ``cli_timing``: start-up and listing times of the ``tally`` command.

To add benchmarks, write a module with functions decorated ``@group("name")`` that return
``Measurement``s, and import it in ``__main__``.
"""
