"""``kalos``: the whole flow from a terminal, playing both backend and client.

    kalos grant upload|delete ID [--type T] [--size N]
    kalos upload FILE [--id ID]
    kalos delete ID

Output is JSON on stdout. A failure prints one line, ``kalos: <code>: <detail>``, on
stderr and exits with status 1 (2 for a usage or configuration error).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from kalos_client.backend import KalosBackend, KalosError
from kalos_client.config import Config, ConfigError
from kalos_client.flow import describe_file, upload_file
from kalos_client.transfer import send_delete

# Smaller files go by too fast for a progress bar to tell anyone anything.
PROGRESS_MIN_BYTES = 1 << 20


def _fail(code: str, detail: str, status: int = 1) -> NoReturn:
    click.echo(f"kalos: {code}: {detail}", err=True)
    sys.exit(status)


def _print(value: Any) -> None:
    click.echo(json.dumps(value, indent=2))


def _backend(ctx: click.Context) -> KalosBackend:
    try:
        config = Config.load(ctx.obj["config"])
    except ConfigError as exc:
        _fail("config", str(exc), status=2)
    return KalosBackend(config)


@click.group()
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML config file (default: $KALOS_CONFIG or ~/.config/kalos/config.toml).",
)
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Upload files straight to R2 through Kalos."""
    ctx.obj = {"config": config}


@cli.command()
@click.argument("action", type=click.Choice(["upload", "delete"]))
@click.argument("object_id")
@click.option("--type", "content_type", help="Declared content type, e.g. image/png.")
@click.option("--size", type=int, help="Exact size in bytes; tightens the size cap.")
@click.pass_context
def grant(
    ctx: click.Context,
    action: str,
    object_id: str,
    content_type: str | None,
    size: int | None,
) -> None:
    """Ask the access worker for a grant and print it."""
    backend = _backend(ctx)
    try:
        answer = backend.request_grant(
            action,  # type: ignore[arg-type]
            object_id,
            content_type=content_type,
            size=size,
        )
    except KalosError as exc:
        _fail(exc.code, exc.detail)
    _print(answer.as_json())


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "object_id", help="Object key (default: uploads/<random>.<ext>).")
@click.pass_context
def upload(ctx: click.Context, file: Path, object_id: str | None) -> None:
    """Upload FILE: get a grant, send the bytes, verify the receipt."""
    backend = _backend(ctx)
    facts = describe_file(file)
    try:
        with _progress(facts.size) as progress:
            uploaded = upload_file(
                backend, file, key=object_id, facts=facts, progress=progress
            )
    except KalosError as exc:
        _fail(exc.code, exc.detail)
    _print(uploaded)


@contextmanager
def _progress(size: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for a large file, when stderr is a terminal.

    Yields the callback ``send_file`` calls with the bytes it just sent, or None
    when there is nothing to show. stdout carries only the JSON answer, so
    scripts that parse it, or pipe stderr to a log, never see the bar.
    """
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return

    bar = Progress(
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("upload", total=size)
    with bar:
        yield lambda sent: bar.advance(task, sent)


@cli.command()
@click.argument("object_id")
@click.pass_context
def delete(ctx: click.Context, object_id: str) -> None:
    """Delete an object: get a delete grant and use it."""
    backend = _backend(ctx)
    try:
        send_delete(backend.request_grant("delete", object_id))
    except KalosError as exc:
        _fail(exc.code, exc.detail)
    _print({"deleted": object_id})


def main() -> None:
    """Console entry point."""
    cli()
