"""civic311's benchmarks: each figure measured beside its raw ceiling, in one run, on one machine."""
