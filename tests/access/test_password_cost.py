"""Production password hashing keeps argon2id at its recommended cost (the suite runs cheaper, see conftest)."""

from __future__ import annotations

from argon2 import PasswordHasher

from access import passwords


def test_production_hasher_is_argon2id_at_the_rfc_9106_low_memory_cost(cheap_password_hashing: None) -> None:
    production = PasswordHasher()  # what access.passwords builds at import
    assert passwords.DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert production.hash("Gridwatch-Test-2026").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_of_either_cost_verifies_with_the_hasher_in_use() -> None:
    strong = PasswordHasher().hash("Gridwatch-Test-2026")
    assert passwords.verify_password(strong, "Gridwatch-Test-2026")
    assert not passwords.verify_password(strong, "Gridwatch-Test-2027")
    cheap = passwords.hash_password("Gridwatch-Test-2026")
    assert cheap.startswith("$argon2id$v=19$m=1024,t=1,p=1$") and passwords.verify_password(cheap, "Gridwatch-Test-2026")
