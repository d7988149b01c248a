"""netmap's benchmarks: `python -m benchmarks --size S|L|XL`; results in benchmarks/results/."""
