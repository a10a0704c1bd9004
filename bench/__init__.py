"""Benchmarks: one command seeds a large partnership on PostgreSQL and prints the figures."""
