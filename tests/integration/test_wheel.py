"""The wheel is the product: installed alone, it sets up and serves a learner from an empty dir."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from knowledge.store import get_store
from tests.conftest import TEST_CHROMA

ROOT = Path(__file__).resolve().parents[2]
BUILD_LEFTOVERS = (".git", ".venv", "data", "build", "dist", "*.egg-info", "__pycache__", ".*cache")
SHIPPED_NOTES = sorted(p.name for p in (ROOT / "knowledge" / "kb" / "es-grammar").glob("*.md"))


def _run(*args: str | Path, cwd: Path | None = None, env: dict | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the built wheel; its dependencies come from the project's."""
    base = tmp_path_factory.mktemp("wheel")
    # A clean copy: setuptools would reuse a stale build/ folder left in the checkout.
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", base / "dist", source)  # fmt: skip
    (wheel,) = (base / "dist").glob("lingograph-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
         "--quiet", "--no-deps", "--no-index", wheel)  # fmt: skip
    # The project's dependencies, without its editable checkout: a .pth line adds the folder
    # to sys.path but does not run the editable-install hook that folder holds.
    purelib = _run(
        venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    )
    (Path(purelib.strip()) / "project_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    return venv


@pytest.fixture
def empty_home(tmp_path: Path) -> tuple[Path, dict]:
    """An empty working directory and an environment naming no project path."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CHROMA_PATH", "DATA_DIR")
    }
    env["PYTHONPATH"] = ""
    # The notes are already embedded once per test session; the copy keeps setup from redoing it.
    shutil.copytree(TEST_CHROMA, tmp_path / "data" / "chroma")
    return tmp_path, env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_installed_wheel_runs_from_its_own_files(wheel_venv, empty_home):
    home, env = empty_home
    where = _run(wheel_venv / "bin" / "python", "-c",
                 "import api, evals.dataset as d; print(api.__file__); print(d.DATASETS_DIR)",
                 cwd=home, env=env)  # fmt: skip
    assert all(line.startswith(str(wheel_venv)) for line in where.split()), where


def test_setup_and_a_web_turn_from_an_empty_folder(wheel_venv, empty_home):
    home, env = empty_home
    _run(wheel_venv / "bin" / "lingograph", "setup", cwd=home, env=env)

    with sqlite3.connect(home / "data" / "lingograph.db") as db:
        assert db.execute("SELECT count(*) FROM exercises").fetchone()[0] > 0
    store = get_store(str(home / "data" / "chroma"), None, "e5-small")
    assert sorted(s.source for s in store.sources("default", "es-grammar")) == SHIPPED_NOTES

    port = _free_port()
    server = subprocess.Popen(
        [wheel_venv / "bin" / "lingograph", "serve", "--port", str(port)],
        cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read()
            try:
                if httpx.get(f"{base}/health/ready").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and "<html" in page.text
        turn = httpx.post(
            f"{base}/v1/web/messages", json={"user": "w1", "text": "hola"}, timeout=60
        )
        assert turn.status_code == 200, turn.text
        assert "Lingo" in turn.json()["replies"][0]["text"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert sorted(p.name for p in home.iterdir()) == ["data"]
