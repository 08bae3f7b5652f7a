"""The README's configuration table names every setting, and nothing that is not one."""

from __future__ import annotations

import re
from pathlib import Path

from tools.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
# Read by the test suite itself, not by the service.
TEST_ONLY = {"TEST_POSTGRES_URL"}


def documented_variables() -> set[str]:
    names: set[str] = set()
    for first_cell in re.findall(r"^\| ([^|]*`[A-Z][A-Z0-9_]+`[^|]*) \|", README.read_text(), re.M):
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_every_setting_is_in_the_configuration_table():
    settings = {name.upper() for name in Settings.model_fields}
    documented = documented_variables()
    assert sorted(settings - documented) == [], "add these to the README's configuration table"
    assert sorted(documented - settings - TEST_ONLY) == [], "the README names unknown variables"
