"""What a newcomer sees following the README: the seed's output, and `make reset`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import knowledge.ingest
from api.cli import app as cli
from knowledge.ingest import BUILTIN_DIR, read_paths
from tools.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


def flat(output: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(output.split())


@pytest.fixture
def seed(sqlite_url, monkeypatch):
    """Run `lingograph seed` on a seeded database and the Chroma folder CHROMA_PATH names."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    def run() -> str:
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["seed"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        return flat(result.output)

    return run


def test_a_synced_knowledge_base_is_up_to_date_and_nothing_embeds(
    seed, grammar_knowledge_base, tmp_path, monkeypatch
):
    copy = tmp_path / "chroma"
    shutil.copytree(grammar_knowledge_base, copy)
    monkeypatch.setenv("CHROMA_PATH", str(copy))
    output = seed()
    notes = len(read_paths([BUILTIN_DIR / "es-grammar"]))
    assert f"Knowledge es-grammar: up to date ({notes} notes)" in output
    assert "embed" not in output.lower()


def test_only_new_or_changed_notes_are_announced_and_embedded(seed, tmp_path, monkeypatch):
    kb = tmp_path / "kb" / "notes"
    kb.mkdir(parents=True)
    (kb / "ser.md").write_text("# Ser\n\n## Identity\nSoy Ana. Soy de Chile.\n")
    (kb / "estar.md").write_text("# Estar\n\n## Location\nEstoy en casa.\n")
    monkeypatch.setattr(knowledge.ingest, "BUILTIN_DIR", kb.parent)
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "chroma"))

    first = seed()
    assert "Knowledge notes: embedding 2 of 2 notes (2 chunks" in first
    assert "Knowledge notes: 2 added, 0 replaced, 0 unchanged, 0 deleted" in first
    assert "Knowledge notes: up to date (2 notes)" in seed()

    (kb / "estar.md").write_text("# Estar\n\n## Feelings\nEstoy cansado.\n")
    (kb / "ser.md").unlink()
    changed = seed()
    assert "Knowledge notes: embedding 1 of 1 notes (1 chunks" in changed
    assert "Knowledge notes: 0 added, 1 replaced, 0 unchanged, 1 deleted" in changed


def test_the_readme_counts_what_the_seed_loads(seed, grammar_knowledge_base, monkeypatch):
    monkeypatch.setenv("CHROMA_PATH", str(grammar_knowledge_base))
    readme = flat((ROOT / "README.md").read_text())
    claim = re.search(r"\((\d+) lessons, (\d+) exercises of four types, a (\d+)-question", readme)
    assert claim, "the README no longer states the starter course's size"
    lessons, exercises, placement = claim.groups()
    output = seed()
    assert f"{lessons} lessons, {exercises} exercises, {placement} placement questions" in output


def test_make_reset_removes_the_database_and_chroma_but_not_gitkeep(tmp_path):
    data = tmp_path / "data"
    (data / "chroma" / "abc").mkdir(parents=True)
    for name in (".gitkeep", "lingograph.db", "lingograph.db-wal", "lingograph.db-shm", "mine"):
        (data / name).write_text("")
    subprocess.run(["make", "-s", "reset", f"DATA_DIR={data}"], cwd=ROOT, check=True)
    assert sorted(p.name for p in data.iterdir()) == [".gitkeep", "mine"]
