"""CLI commands of the camera registry: import CSV or GeoJSON with a report of refused rows, and export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape

from gridwatch.runtime import open_migrated_store
from gridwatch.settings import load_settings

cameras_app = typer.Typer(help="Cameras: import and export the registry, diagnose a stream.", no_args_is_help=True)
console = Console()


@cameras_app.command("import")
def cameras_import(file: Annotated[Path, typer.Argument(help="A .csv or .geojson file of cameras.")],
                   replace: Annotated[bool, typer.Option(
                       help="Make the file's good rows the only cameras (the others are removed).")] = False) -> None:
    """Import cameras; refused rows are listed by line (CSV) or feature (GeoJSON) and field; exit 1 if any."""
    from gis.errors import GisError
    from gridwatch.cameras import import_cameras

    settings = load_settings()
    store = open_migrated_store(settings.effective_store_url)
    try:
        report = import_cameras(store, file, policy=settings.url_policy(), replace=replace)
    except GisError as exc:
        console.print(f"[red]refused:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    finally:
        store.close()
    console.print(f"[green]imported[/] {report.written} cameras into {store.name}"
                  + (f"; [red]refused {len(report.refused)} rows[/]:" if report.refused else ""))
    for message in report.refused:
        console.print(f"  {escape(message)}", soft_wrap=True)
    if report.refused:
        raise typer.Exit(1)


@cameras_app.command("export")
def cameras_export(format: Annotated[Literal["csv", "geojson"], typer.Option(
                       "--format", help="csv or geojson.")] = "csv",
                   out: Annotated[Path | None, typer.Option(help="File to write; default: standard output.")] = None
                   ) -> None:
    """Export the registry as CSV or GeoJSON (WGS-84); credentials are never exported."""
    from gridwatch.cameras import export_registry

    store = open_migrated_store(load_settings().effective_store_url)
    try:
        text = export_registry(store, format)
    finally:
        store.close()
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"[green]wrote[/] {out}")


@cameras_app.command("diagnose")
def cameras_diagnose(source: Annotated[str, typer.Argument(help="A stream URL (rtsp, http MJPEG, HLS) or a file.")],
                     json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
                     frames: Annotated[int, typer.Option(min=2, max=100, help="Frames to read.")] = 8,
                     open_timeout: Annotated[float, typer.Option(min=0.5, max=60, help="Seconds to open.")] = 5.0,
                     read_timeout: Annotated[float, typer.Option(min=0.5, max=60, help="Seconds per frame.")] = 5.0,
                     reference: Annotated[Path | None, typer.Option(
                         help="An image or clip of the camera's usual view, to tell whether it was turned.")] = None,
                     save_frame: Annotated[Path | None, typer.Option(
                         help="Write the frame the diagnosis judged to this JPEG file.")] = None
                     ) -> None:
    """Diagnose one source and print its status and measures; exit 1 when the picture has a fault.

    The operator's own tool at the console: it opens whatever it is given, local files and addresses included.
    """
    import json

    from jobs.pool import WorkerPool
    from video.capture import grab_frames
    from video.probe import probe
    from video.urls import redact_urls_in

    settings = load_settings()
    reference_frame = None
    if reference is not None:
        grabbed = grab_frames(str(reference), count=1, open_timeout_s=open_timeout, read_timeout_s=read_timeout)
        if not grabbed.frames:
            console.print(f"[red]reference {escape(str(reference))}:[/] {escape(grabbed.error or 'no frame')}")
            raise typer.Exit(2)
        reference_frame = grabbed.frames[0]
    with WorkerPool(workers=1) as pool:
        result = probe(pool, source, thresholds=settings.video_diagnosis.thresholds(), frames=frames,
                       open_timeout_s=open_timeout, read_timeout_s=read_timeout, reference=reference_frame)
    judged = result.diagnosis.frame_index
    if save_frame is not None and judged is not None:
        from video.capture.stream import encode_jpeg

        save_frame.write_bytes(encode_jpeg(result.capture.frames[judged]))
    if json_out:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        status = result.diagnosis.status
        colour = "green" if not status.is_fault else "red"
        console.print(f"[{colour}]{status.value}[/]  {escape(redact_urls_in(source))}")
        console.print(f"  {escape(result.diagnosis.detail)}")
        capture = result.capture
        if capture.opened:
            console.print(f"  {capture.width}×{capture.height}, {capture.fps_measured or capture.fps_reported or 0:.1f} fps,"
                          f" opened in {capture.open_ms or 0:.0f} ms")
        for name, value in sorted(result.diagnosis.measures.items()):
            console.print(f"  {name:<18} {value:.4g}")
    if result.diagnosis.status.is_fault:
        raise typer.Exit(1)


@cameras_app.command("probe")
def cameras_probe(ids: Annotated[list[str] | None, typer.Argument(help="Camera ids to probe.")] = None,
                  all_cameras: Annotated[bool, typer.Option("--all", help="Probe every camera with a stream URL.")] = False
                  ) -> None:
    """Probe cameras as the camera-probes job does, record their health and alerts; exit 1 if any is faulty."""
    from datetime import UTC, datetime

    from rich.progress import Progress
    from rich.table import Table

    from cases.locator import Locator
    from gridwatch.camera_probes import probe_cameras
    from jobs.pool import WorkerPool

    if bool(ids) == all_cameras:
        console.print("[red]refused:[/] give camera ids or --all (not both)")
        raise typer.Exit(2)
    settings = load_settings()
    store = open_migrated_store(settings.effective_store_url)
    try:
        with store.read_only() as uow:
            unknown = [i for i in ids or () if uow.cameras.get(i) is None]
            total = sum(1 for c in uow.cameras.all() if c.stream_url and (not ids or c.id in ids))
        if unknown:
            console.print(f"[red]refused:[/] no camera {escape(', '.join(unknown))}")
            raise typer.Exit(2)
        with Progress(console=console, transient=True) as progress, \
                WorkerPool(workers=settings.camera_probes.workers) as pool:
            task = progress.add_task("probing", total=total)
            report = probe_cameras(store, pool, Locator(), settings.camera_probes,
                                   thresholds=settings.video_diagnosis.thresholds(), policy=settings.url_policy(),
                                   clock=lambda: datetime.now(UTC), camera_ids=ids or None,
                                   on_result=lambda camera, record: progress.advance(task),
                                   case_clock=settings.calendar.case_clock())
    finally:
        store.close()
    counts = Table(title=f"{len(report.health)} cameras probed, {report.skipped} without a stream URL")
    counts.add_column("status")
    counts.add_column("cameras", justify="right")
    for status, n in sorted(report.counts().items()):
        counts.add_row(status, str(n))
    console.print(counts)
    faulty = report.faulty()
    if faulty:
        table = Table(title=f"{len(faulty)} faulty cameras")
        for column in ("camera", "status", "detail"):
            table.add_column(column)
        for record in faulty:
            table.add_row(record.camera_id, record.status.value, escape(record.detail))
        console.print(table)
        raise typer.Exit(1)


@cameras_app.command("reference")
def cameras_reference(camera_id: Annotated[str, typer.Argument(help="The camera's id.")],
                      reset: Annotated[bool, typer.Option(
                          "--reset", help="Forget the reference frame; the next healthy probe learns a new one.")]
                      = False) -> None:
    """Show whether a camera has a reference frame, or forget it with --reset (after turning it on purpose)."""
    from datetime import UTC, datetime

    store = open_migrated_store(load_settings().effective_store_url)
    try:
        with store.unit_of_work() as uow:
            if uow.cameras.get(camera_id) is None:
                console.print(f"[red]refused:[/] no camera {escape(camera_id)}")
                raise typer.Exit(2)
            held = uow.camera_health.reference(camera_id) is not None
            if reset:
                uow.camera_health.set_reference(camera_id, None, at=datetime.now(UTC))
    finally:
        store.close()
    if reset:
        console.print(f"camera {escape(camera_id)}: reference "
                      + ("forgotten; the next healthy probe learns a new one" if held else "was not learnt yet"))
    else:
        console.print(f"camera {escape(camera_id)}: " + ("has a reference frame" if held else "no reference frame yet"))
