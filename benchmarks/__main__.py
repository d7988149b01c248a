"""Entry point: python -m benchmarks [--size S|L|XL|tiny] [--only load,analyse,web,recommend]."""

from benchmarks.runner import main

main()
