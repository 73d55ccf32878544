"""Quality benchmark on the public eval sets: ``python -m benchmarks.quality`` (see ``__main__``)."""
