"""Benchmarks that drive the real window for a capability measured mostly without it."""
