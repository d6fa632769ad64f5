"""How passwords are stored: Argon2id with OWASP's parameters, PBKDF2 kept to read older hashes.

Django's default, PBKDF2-SHA256 with 1,000,000 iterations, costs about 0,3–0,4 s of CPU for every
sign-in on the province's 2-core server: in the week of the deadline, when a hundred units' staff
and the council sign in within minutes, the sign-ins alone queued every other request behind them
(the deadline-week benchmark: p50 of 13 s). Argon2id is memory-hard (a GPU or ASIC gains far less
against it than against PBKDF2) and OWASP's Password Storage Cheat Sheet lists it first, with
"a minimum configuration of 19 MiB of memory, an iteration count of 2, and 1 degree of
parallelism" as equivalent in strength to PBKDF2-SHA256 at 600,000 iterations: about 20 ms here.

Django's own `Argon2PasswordHasher` (argon2-cffi) does the work; only its cost parameters are set
here (Django's defaults, 100 MiB and 8 lanes, would hold 100 MiB in a worker for each sign-in).
A password stored by PBKDF2 (every account made before this change) still signs in, and Django
stores it again with Argon2id at that sign-in (`must_update`): no one has to reset a password.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's first recommended configuration)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
