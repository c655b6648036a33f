"""Scoring newsgraph's stages on public benchmarks, with each benchmark's own metric."""
