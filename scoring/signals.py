"""Signals of the scoring app, for writes that Django's model signals do not see."""

from django.dispatch import Signal

#: Scores written in bulk without a recompute of results (only the unit's claim or notes
#: changed): `sheet` is the sheet. The page cache hears it (scoring/selectors/cache.py).
scores_changed = Signal()

#: A year's results written (a recompute, an import of published results), sent with the bump
#: of its `results_version` (`year` is the year): the page cache replaces its generation.
results_changed = Signal()
