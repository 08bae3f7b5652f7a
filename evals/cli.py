"""`lingograph eval`: replay datasets and report; export recorded conversations."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Evaluate the tutor over recorded conversations.", no_args_is_help=True)
console = Console()


def _fresh_database() -> str:
    """A new seeded database, with the shipped knowledge bases synced into the store."""
    from api.migrate import migrate, seed
    from knowledge.ingest import seed_knowledge
    from knowledge.store import store_from_settings
    from tools.settings import get_settings

    url = f"sqlite:///{tempfile.mkdtemp(prefix='lingograph-eval-')}/eval.db"
    migrate(url)
    asyncio.run(seed(url))
    seed_knowledge(store_from_settings(get_settings()))
    return url


@app.command()
def run(
    datasets: list[Path] = typer.Argument(None, help="Dataset files (default: all shipped)."),
    model: str = typer.Option(None, help="provider:model for the tutor (default: none)."),
    judge: str = typer.Option(None, help="provider:model scoring replies against rubrics."),
    out: Path = typer.Option(Path("evals/reports"), help="Folder for report.md/html/json."),
    baseline: Path = typer.Option(None, help="A previous report.json to compare with."),
) -> None:
    """Replay every conversation into a fresh thread and score it; exit 1 under thresholds."""
    from evals import metrics as m
    from evals import report
    from evals.dataset import default_paths, load_datasets, thresholds_for
    from evals.judge import Judge
    from evals.replay import replay_all
    from tools.db import dispose_engines

    try:
        loaded = load_datasets(datasets or default_paths())
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    database_url = _fresh_database()
    scorer = Judge(judge) if judge else None

    async def replay() -> list:
        try:
            return await replay_all(loaded, database_url, model_spec=model, judge=scorer)
        finally:
            await dispose_engines()

    outcomes = asyncio.run(replay())
    values = m.compute(outcomes)
    thresholds = thresholds_for(loaded)
    failures = m.gate(values, thresholds)
    matrix = m.confusion(outcomes)
    comparison = None
    if baseline:
        comparison = m.compare(values, json.loads(baseline.read_text())["metrics"])
    full = report.build(
        outcomes, values, thresholds, failures, matrix, m.per_intent_accuracy(matrix), comparison
    )
    paths = report.write(full, out)
    table = Table("metric", "value", "threshold")
    for metric, value in values.items():
        table.add_row(
            metric,
            report._fmt(value),
            report._fmt(thresholds.get(metric)) if metric in thresholds else "",
        )
    console.print(table)
    for row in comparison or []:
        if row["change"] in ("improved", "regressed"):
            console.print(f"{row['change']}: {row['metric']} {row['baseline']} → {row['now']}")
    console.print(f"Reports: {', '.join(str(p) for p in paths.values())}")
    if failures:
        console.print("[red]Gate failed: " + "; ".join(failures) + "[/red]")
        raise typer.Exit(1)


@app.command()
def export(
    thread: str = typer.Option(None, help="The thread id to export."),
    learner: int = typer.Option(None, help="Or every recorded turn of a learner."),
) -> None:
    """Print a recorded conversation as a dataset entry (YAML)."""
    from evals.export import export_conversation
    from tools.db import dispose_engines, session_scope
    from tools.settings import get_settings

    async def load() -> dict:
        try:
            async with session_scope(get_settings().database_url) as session:
                return await export_conversation(session, thread_id=thread, learner_id=learner)
        finally:
            await dispose_engines()

    try:
        entry = asyncio.run(load())
    except (ValueError, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    yaml.safe_dump({"conversations": [entry]}, sys.stdout, allow_unicode=True, sort_keys=False)


@app.command()
def grading(
    write: bool = typer.Option(False, "--write", help="Regenerate the dataset first."),
    show_misses: bool = typer.Option(False, "--misses", help="List the cases graded wrongly."),
) -> None:
    """Grade wrong inflections of the course's answers (all must be rejected, with a reason)
    and true typos (all must be accepted); exit 1 otherwise."""
    from evals.grading_eval import evaluate
    from evals.inflections import DATASET, generate
    from evals.inflections import write as write_dataset
    from tools.lexicon import spanish

    lexicon = spanish()
    if write:
        write_dataset(generate(lexicon))
    score = evaluate(lexicon)
    table = Table("check", "cases", "passed", title=f"Grading: {DATASET.name}")
    table.add_row("wrong inflections rejected", str(score.wrong_forms), str(score.rejected))
    table.add_row("… with the right reason", str(score.wrong_forms), str(score.with_reason))
    table.add_row("true typos accepted", str(score.typos), str(score.typos_accepted))
    console.print(table)
    console.print("by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(score.by_kind.items())))
    for miss in score.misses if show_misses else []:
        console.print(f"[yellow]{miss}[/yellow]")
    if not score.passed:
        console.print(f"[red]Gate failed: {len(score.misses)} cases graded wrongly[/red]")
        raise typer.Exit(1)


@app.command()
def rag(
    dataset: Path = typer.Option(None, help="Questions YAML (default: rag_questions.yaml)."),
    folder: Path = typer.Option(None, help="Knowledge-base folder (default: es-grammar)."),
    embeddings: list[str] = typer.Option(
        None, "--embeddings", help="Embedding model(s) to compare (default: EMBEDDINGS)."
    ),
    chroma: Path = typer.Option(Path("data/eval-chroma"), help="Chroma folder for the index."),
    out: Path = typer.Option(None, help="Write the scores as JSON here."),
    show_misses: bool = typer.Option(False, "--misses", help="List questions missed at 5."),
    off_topic: Path = typer.Option(
        None, help="Unanswerable questions YAML (default: rag_off_topic.yaml)."
    ),
) -> None:
    """Score retrieval (recall@1, recall@5, MRR) of embeddings against a BM25 baseline."""
    from evals.rag import DATASET, OFF_TOPIC, evaluate, load_questions, score_floor
    from knowledge.ingest import BUILTIN_DIR
    from knowledge.store import KnowledgeStore, make_client
    from tools.settings import get_settings

    try:
        questions = load_questions(dataset or DATASET)
        unanswerable = load_questions(off_topic or OFF_TOPIC, gold=False)
    except (OSError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    folder = folder or BUILTIN_DIR / "es-grammar"
    settings = get_settings()
    client = make_client(chroma)
    results, floors = [], []
    seen: set[str] = set()
    for spec in embeddings or [settings.embeddings]:
        store = KnowledgeStore(client, spec, settings.openai_base_url)
        for result in evaluate(store, folder, questions, kb=folder.name):
            if result.name not in seen:
                seen.add(result.name)
                results.append(result)
        floors.append(
            score_floor(store, questions, unanswerable, settings.rag_min_score, kb=folder.name)
        )
    table = Table(
        "retriever",
        "recall@1",
        "recall@5",
        "MRR",
        "p50 ms",
        *(f"recall@5 {lang}" for lang in sorted(results[0].by_language)),
        title=f"{len(questions)} questions, {folder.name}",
    )
    for result in results:
        table.add_row(
            result.name,
            f"{result.recall_at_1:.3f}",
            f"{result.recall_at_5:.3f}",
            f"{result.mrr:.3f}",
            f"{result.latency_ms_p50:.1f}",
            *(f"{v['recall@5']:.3f}" for _, v in sorted(result.by_language.items())),
        )
    console.print(table)
    console.print(_floor_table(floors, len(unanswerable)))
    if show_misses:
        for result in results:
            for miss in result.misses:
                console.print(f"[yellow]{result.name}[/yellow] {miss}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        scores = {
            "retrievers": [r.__dict__ for r in results],
            "score_floors": [f.__dict__ for f in floors],
        }
        out.write_text(json.dumps(scores, indent=2, ensure_ascii=False))


def _floor_table(floors: list, off_topic_count: int) -> Table:
    table = Table(
        "embeddings",
        "on p5",
        "on p50",
        "off p95",
        "off max",
        "suggested",
        "now",
        "on refused",
        "off answered",
        title="Best-passage scores: where RAG_MIN_SCORE separates them",
        caption=f"on: the answerable questions; off: {off_topic_count} off-topic ones; "
        "now: RAG_MIN_SCORE",
    )
    for f in floors:
        table.add_row(
            f.embeddings,
            f"{f.on_topic_p5:.3f}",
            f"{f.on_topic_p50:.3f}",
            f"{f.off_topic_p95:.3f}",
            f"{f.off_topic_max:.3f}",
            f"{f.suggested:.3f}",
            f"{f.current:.3f}",
            f"{f.on_topic_refused:.0%}",
            f"{f.off_topic_answered:.0%}",
        )
    return table


@app.command()
def routing(
    split: str = typer.Option("test", help="dev (tune on it) or test (the gate reads it)."),
    calibrate: bool = typer.Option(
        False, help="Tune the per-intent thresholds on the dev split and write them."
    ),
    errors: bool = typer.Option(False, help="List the messages routed wrong (dev only)."),
) -> None:
    """Route the labelled learner messages: accuracy, per-intent precision/recall, confusions."""
    from evals import routing as r
    from graphs.tutor.understanding import THRESHOLDS_FILE, tutor_understander

    understander = tutor_understander()
    if calibrate:
        grid = [round(0.80 + 0.005 * i, 3) for i in range(27)]
        chosen = r.calibrate(understander, r.load_split(r.split_path("dev")), grid)
        header = THRESHOLDS_FILE.read_text().split("default:")[0]
        body = {"default": understander.thresholds.default, "intents": chosen}
        THRESHOLDS_FILE.write_text(header + yaml.safe_dump(body, sort_keys=False))
        console.print(f"[green]Wrote[/green] {THRESHOLDS_FILE}")
        split = "dev"
    report = r.evaluate(understander, r.load_split(r.split_path(split)))
    _print_routing(report, split)
    if errors and split == "dev":
        for outcome in report.errors():
            console.print(
                f"  {outcome.message.intent} → {outcome.predicted}: {outcome.message.text}"
            )
    if split == "test" and (failed := r.failures(report, r.gate())):
        console.print(f"[red]Routing gate failed:[/red] {'; '.join(failed)}")
        raise typer.Exit(1)


def _print_routing(report, split: str) -> None:
    latency = report.latency()
    console.print(
        f"Routing, {split} split: {len(report.outcomes)} messages, accuracy "
        f"[bold]{report.accuracy:.3f}[/bold], opt-out recall {report.opt_out_recall:.3f}, "
        f"asked back {report.clarified:.1%}, p50 {latency['p50']:.1f} ms, "
        f"p99 {latency['p99']:.1f} ms"
    )
    table = Table("intent", "precision", "recall", "n", "routed to")
    confusion = report.confusion()
    for intent, row in report.per_intent().items():
        routed = ", ".join(f"{k} {v}" for k, v in confusion[intent].most_common() if k != intent)
        table.add_row(
            intent, f"{row['precision']:.2f}", f"{row['recall']:.2f}", str(row["support"]), routed
        )
    console.print(table)
    console.print(
        "Mid-exercise: " + ", ".join(f"{k}: {v}" for k, v in report.answer_vs_command().items())
    )
