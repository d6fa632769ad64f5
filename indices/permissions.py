"""Who may do what with the related indices: entering or importing a period's values is the
administrators' (the Sở Nội vụ's staff who run the portal), like a year's management."""

import rules

from scoring.permissions import is_admin

rules.add_perm("indices.enter_values", rules.predicate(is_admin))
