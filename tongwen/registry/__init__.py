"""The cooperation registry: institutions, organisations, memberships, agreements, programmes and activities
of the member libraries, with statistics computed from them, staff accounts and an audit log.

Entry points:

- `Registry.open(settings.database)`: read and (as a `User` with the editor role) write facts.
- `load_seed(registry)`: the facts of the two source documents (``tongwen/registry/seed/*.toml``).
- `institution_directory()`: code -> `InstitutionInfo` (country, names...), from the seed file, no database.
- `tongwen.registry.stats`: per pair, per year, per kind, timeline, network.
- `tongwen.registry.exchange`: JSON/CSV export and import.
"""

from tongwen.registry.auth import (
    ANONYMOUS,
    ROLES,
    Accounts,
    AuthError,
    CsrfError,
    PermissionDenied,
    Session,
    User,
    csrf_token_for,
    system_user,
    verify_csrf,
)
from tongwen.registry.database import AuditEntry, Registry, RegistryData
from tongwen.registry.model import (
    Activity,
    Agreement,
    Citation,
    Institution,
    Membership,
    Organisation,
    Party,
    Programme,
    Source,
)
from tongwen.registry.seeding import InstitutionInfo, institution_directory, load_seed, read_seed
from tongwen.registry.validation import Problem, ValidationError

__all__ = [
    "ANONYMOUS",
    "ROLES",
    "Accounts",
    "Activity",
    "Agreement",
    "AuditEntry",
    "AuthError",
    "Citation",
    "CsrfError",
    "Institution",
    "InstitutionInfo",
    "Membership",
    "Organisation",
    "Party",
    "PermissionDenied",
    "Problem",
    "Programme",
    "Registry",
    "RegistryData",
    "Session",
    "Source",
    "User",
    "ValidationError",
    "csrf_token_for",
    "institution_directory",
    "load_seed",
    "read_seed",
    "system_user",
    "verify_csrf",
]
