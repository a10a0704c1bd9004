"""Demo: the deterministic synthetic partnership for the demo, tests and benchmarks.
Never a real person or case.
"""
