"""The experiments: :func:`observe` and everything built on it (the matrix, probes,
credentials, caches, frameworks), and the standards' expectations they are judged by."""
