"""`gridwatch classifier …`: operators' corrections out as training data, and retraining with them measured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from gridwatch.runtime import configured_store

classifier_app = typer.Typer(help="The report classifier: export corrections, retrain and measure.",
                             no_args_is_help=True)
console = Console()


@classifier_app.command("export")
def classifier_export(out: Annotated[Path, typer.Option("--out", help="CSV file to write (text,category,channel).")]
                      ) -> None:
    """Write every operator's correction as training data, with the labelled set's columns."""
    from cases.classify import write_labelled_csv
    from cases.taxonomy_service import all_corrections, corrections_as_training

    if out.exists() and out.is_dir():
        console.print(f"[red]refused:[/] --out {escape(str(out))} is a folder")
        raise typer.Exit(1)
    with configured_store() as store, store.read_only() as uow:
        corrections = all_corrections(corrections=uow.classification_corrections)
    try:
        out.write_text(write_labelled_csv(corrections_as_training(corrections)), encoding="utf-8")
    except OSError as exc:
        console.print(f"[red]refused:[/] --out {escape(str(out))}: {escape(exc.strerror or str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"[green]wrote[/] {len(corrections)} corrections to {escape(str(out))}")


@classifier_app.command("train")
def classifier_train(with_corrections: Annotated[bool, typer.Option(
        "--with-corrections", help="Add the stored corrections to the training part.")] = False) -> None:
    """Train on the shipped labelled set (and corrections) and print held-out accuracy as one JSON line."""
    from dataclasses import asdict

    from cases.classify import load_labelled
    from cases.classify.evaluate import evaluate
    from cases.taxonomy_service import active_taxonomy, all_corrections, corrections_as_training

    with configured_store() as store, store.read_only() as uow:
        taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
        corrections = all_corrections(corrections=uow.classification_corrections) if with_corrections else []
    extra = corrections_as_training(corrections)
    result = evaluate(taxonomy, load_labelled(), extra_training=extra)
    print(json.dumps({**asdict(result), "corrections": len(extra)}, ensure_ascii=False))
