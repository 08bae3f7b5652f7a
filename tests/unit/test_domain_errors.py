"""Domain errors map to one HTTP status and one exit code per kind, with code and detail kept."""

from __future__ import annotations

import pickle

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as lingograph
from api.cli_errors import DomainErrorGroup
from api.errors import install_error_handlers
from knowledge.documents import DocumentError
from knowledge.store import BadKnowledgeRequest, KnowledgeBaseNotFound
from tools.content.specs import SpecError
from tools.errors import Conflict, DomainError, Invalid, NotConfigured, NotFound

# error, HTTP status, exit code, JSON "error"
CASES = [
    pytest.param(
        NotFound("run_not_found", "no content run 'r'"), 404, 3, "run_not_found", id="not-found"
    ),
    pytest.param(
        Conflict("spec_busy", "spec 1 already has run r"), 409, 4, "spec_busy", id="conflict"
    ),
    pytest.param(
        Invalid("invalid_decisions", "no draft 9"), 422, 2, "invalid_decisions", id="invalid"
    ),
    pytest.param(
        NotConfigured("generator_not_configured", "set LINGOGRAPH_GENERATOR_MODEL"),
        503,
        5,
        "generator_not_configured",
        id="not-configured",
    ),
    pytest.param(DomainError("refused", "a rule said no"), 400, 1, "refused", id="any-other"),
    pytest.param(SpecError("course 'x' has no lesson 'y'"), 422, 2, "invalid_spec", id="spec"),
    pytest.param(DocumentError("a.docx: unsupported file type"), 422, 2, "invalid", id="document"),
    pytest.param(
        BadKnowledgeRequest("tenant 'Acme Corp' is not valid"), 422, 2, "invalid", id="kb-name"
    ),
    pytest.param(KnowledgeBaseNotFound("acme", "notes"), 404, 3, "not_found", id="kb-missing"),
]


def raising_api(error: Exception) -> TestClient:
    api = FastAPI()
    install_error_handlers(api)

    @api.get("/boom")
    async def boom() -> None:
        raise error

    return TestClient(api)


@pytest.mark.parametrize(("error", "status", "exit_code", "code"), CASES)
def test_the_api_answers_each_kind_with_its_status_and_body(error, status, exit_code, code):
    response = raising_api(error).get("/boom")
    assert response.status_code == status
    assert response.json() == {"error": code, "detail": error.detail}


def test_a_list_of_reasons_stays_a_list_in_the_body():
    reasons = ["draft 9 is not in this run", "draft 10: the answer is not among the options"]
    response = raising_api(Invalid("invalid_decisions", reasons)).get("/boom")
    assert response.status_code == 422
    assert response.json() == {"error": "invalid_decisions", "detail": reasons}


@pytest.mark.parametrize(("error", "status", "exit_code", "code"), CASES)
def test_errors_survive_pickling_with_their_class_code_and_detail(error, status, exit_code, code):
    copy = pickle.loads(pickle.dumps(error))  # e.g. handed back by a process pool
    assert (type(copy), copy.code, copy.detail, str(copy)) == (
        type(error),
        error.code,
        error.detail,
        str(error),
    )


def raising_cli(error: Exception) -> typer.Typer:
    app = typer.Typer(cls=DomainErrorGroup)
    nested = typer.Typer()
    app.add_typer(nested, name="nested")

    @app.command()
    def top() -> None:
        raise error

    @app.command()
    def fine() -> None:
        typer.echo("done")

    @nested.command()
    def inner() -> None:
        raise error

    return app


@pytest.mark.parametrize(("error", "status", "exit_code", "code"), CASES)
@pytest.mark.parametrize("command", [["top"], ["nested", "inner"]], ids=["command", "nested"])
def test_the_cli_exits_with_each_kind_s_code_and_says_why(error, status, exit_code, code, command):
    result = CliRunner().invoke(raising_cli(error), command)
    assert result.exit_code == exit_code, result.output
    assert error.detail in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_the_cli_prints_each_reason_of_a_list_on_its_own_line():
    reasons = ["draft 9 is not in this run", "draft 10: [bold]kept as written[/bold]"]
    result = CliRunner().invoke(raising_cli(Invalid("invalid_decisions", reasons)), ["top"])
    assert result.exit_code == 2
    assert result.output.splitlines() == reasons


def test_other_exceptions_and_success_are_left_alone():
    assert CliRunner().invoke(raising_cli(Invalid("x", "y")), ["fine"]).output == "done\n"
    crashed = CliRunner().invoke(raising_cli(RuntimeError("bug")), ["top"])
    assert isinstance(crashed.exception, RuntimeError)


def test_every_sub_app_of_lingograph_that_calls_services_maps_domain_errors():
    groups = typer.main.get_command(lingograph).commands
    assert isinstance(groups["content"], DomainErrorGroup)
    assert isinstance(groups["knowledge"], DomainErrorGroup)
