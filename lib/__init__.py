"""Plain Python that imports nothing of ours (the one CSV/xlsx reader)."""
