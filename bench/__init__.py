"""Performance benchmarks (scripts, not tests): `python -m bench.run_all` writes bench/results/."""
