"""`lingograph route`: what the tutor's router makes of messages, for whoever tunes it."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

console = Console()


def route(
    messages: list[str] = typer.Argument(None, help="Messages (default: one per line on stdin)."),
    pending: bool = typer.Option(False, help="Classify as if an exercise were waiting."),
    answer: list[str] = typer.Option(
        None, help="An accepted answer of that exercise (repeatable; implies --pending)."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    rebuild_index: bool = typer.Option(
        False, help="Re-embed graphs/tutor/intent_examples.yaml into intent_index.npz first."
    ),
) -> None:
    """Classify messages: intent, confidence and source (rules, compliance, semantic...)."""
    from graphs.tutor.understanding import INDEX_FILE, build_index, timed, tutor_understander
    from tools.attempts import Expected

    if rebuild_index:
        index = build_index()
        console.print(f"[green]Wrote[/green] {INDEX_FILE} ({len(index.labels)} examples)")
        tutor_understander.cache_clear()
        if not messages and sys.stdin.isatty():
            return
    exercise = Expected(list(answer), language="es") if answer or pending else None
    understand = tutor_understander()
    texts = messages or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    for text in texts:
        result, ms = timed(understand, text, exercise=exercise)
        row = {
            "text": text,
            "intent": result.intent,
            "confidence": round(result.confidence, 3),
            "source": result.source,
        }
        if result.choices:
            row["choices"] = list(result.choices)
        if as_json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            extra = f" (asks: {', '.join(result.choices)})" if result.choices else ""
            console.print(
                f"{result.intent:<9} {result.confidence:.3f} {result.source:<10} "
                f"{ms:5.1f} ms  {text}{extra}",
                markup=False,
            )
