"""Registry fixtures: a real database on each backend (SQLite file, PostgreSQL schema), with and without the
seed facts loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tongwen.registry import Registry, RegistryData, User, load_seed, system_user

FAST_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The two source documents (CDNLAO Newsletter 82, NDL links page) the seed facts quote."""
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"the source documents are missing: expected them at {SEEDS_DIR}")
    return SEEDS_DIR


@pytest.fixture
def registry(database: str) -> Iterator[Registry]:
    # Real argon2id, with cheap parameters so the suite stays fast (production uses the library defaults).
    reg = Registry.open(database, password_hasher=FAST_ARGON2)
    yield reg
    reg.close()


@pytest.fixture
def seeded(registry: Registry) -> Registry:
    load_seed(registry)
    return registry


@pytest.fixture(scope="session")
def seed_data(tmp_path_factory: pytest.TempPathFactory) -> RegistryData:
    """The seed facts loaded into a SQLite file and read back from it (not from the TOML files).
    Shared by the read-only tests; tests that write get their own `seeded` registry."""
    with Registry.open(tmp_path_factory.mktemp("seeded") / "tongwen.sqlite") as reg:
        load_seed(reg)
        return reg.snapshot()


@pytest.fixture
def admin() -> User:
    return system_user("test")


@pytest.fixture
def staff(registry: Registry, admin: User) -> dict[str, User]:
    """One real account per role, created through the accounts API."""
    return {
        role: registry.accounts.create_user(admin, f"{role}-user", f"{role} password 123", role)
        for role in ("viewer", "editor", "admin")
    }
