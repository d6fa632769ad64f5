"""Writes, each in one transaction: the only code that changes scores, results and states."""
