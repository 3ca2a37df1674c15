"""Marketplace commands: list the presets, check files against one, render and approve operators' requests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from artpipe.api import (
    APPROVED,
    Catalog,
    ProductResult,
    approve_campaign,
    check_files,
    count,
    display,
    main_images,
    num,
    preset_catalog,
    run_request,
    warnings_note,
)
from artpipe.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    JOBS_OPTION,
    PRESETS_OPTION,
    fail_config,
    with_progress,
)
from artpipe.errors import ConfigError


def _load(extra: Path | None) -> Catalog:
    try:
        return preset_catalog(extra)
    except ConfigError as exc:
        fail_config(exc)


@click.command()
@PRESETS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def presets(extra: Path | None, as_json: bool) -> None:
    """List the marketplace presets: the size artpipe renders, the rules checked, and how sure each is.

    \b
    Example:
      artpipe presets
      artpipe presets --presets agency-presets.yaml --json
    """
    known, platforms = _load(extra)
    if as_json:
        click.echo(json.dumps({
            "presets": {n: {"title": p.title, "render": {"width": p.width, "height": p.height, "format": p.format,
                                                      "formats": list(p.formats)},
                            "rules": {r.kind: {**r.params, "source": r.source, "confidence": r.confidence}
                                      for r in p.rules}} for n, p in known.items()},
            "platforms": platforms}, ensure_ascii=False, indent=2, default=list))
        return
    for name, p in known.items():
        click.echo(f"{name} - {p.title}: renders {p.width}x{p.height} {' + '.join(p.formats)}")
        for r in p.rules:
            values = ", ".join(f"{k} {', '.join(v) if isinstance(v, tuple) else num(v)}" for k, v in r.params.items())
            click.echo(f"  {r.kind:17} {values or '-':34} [{r.confidence}: {r.source}]")
    click.echo("platforms: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in platforms.items()))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-p", "--preset", "names", multiple=True, required=True,
              help="A preset or a platform (its presets), repeatable; artpipe presets lists them.")
@PRESETS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def check(files: tuple[Path, ...], names: tuple[str, ...], extra: Path | None, as_json: bool) -> None:
    """Check encoded FILES against a marketplace preset's rules; each failure names the rule, the measured
    value, the limit and its source.

    \b
    Example:
      artpipe check out/mug-01/product-main-square.jpg --preset tmall.white_bg
      artpipe check main.jpg -p amazon -p jd          # a platform stands for its presets
    Exit codes: 0 every file passes, 1 some rule fails, 2 unknown preset.
    """
    try:
        checked = check_files(list(files), list(names), extra)
    except ConfigError as exc:
        fail_config(exc, "nothing was checked")
    if as_json:
        rows = [{"file": c.output, "preset": c.preset, "pass": c.passed, "rules": [r.__dict__ for r in c.results]}
                for c in checked]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    for c in checked if not as_json else ():
        click.echo(f"{c.output}: {c.preset}: {'pass' if c.passed else 'FAIL'}")
        for r in c.results:
            click.echo(f"  {r}")
    sys.exit(EXIT_OK if all(c.passed for c in checked) else EXIT_FAILED)


@click.command()
@click.argument("request_file", metavar="REQUEST", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder the campaign folder is made in.")
@JOBS_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress; only the summary.")
@PRESETS_OPTION
def request(request_file: Path, out_dir: Path, jobs: int | None, quiet: bool, extra: Path | None) -> None:
    """Render an operator's REQUEST (campaign, merchant, platforms, products) for every preset, check each
    file, and write a proof page to send the merchant.

    \b
    Example:
      artpipe request samples/requests/double11.yaml -o out/requests
    Writes OUT/<campaign>/<platform>/<preset>/<sku>.jpg, report.json, proof.html and proof.png.
    Exit codes: 0 everything rendered and passed, 1 a product failed or a file fails a rule, 2 the request is wrong.
    """
    campaign = with_progress(None, "rendering", quiet, lambda step: run_request(
        request_file, out_dir, jobs=jobs, presets=extra, progress=step))
    result, root = campaign.run, campaign.root
    failing = sum(1 for p in campaign.products for c in p.checks if not c.passed)
    click.echo(f"{root}: {count(result.summary['outputs'], 'file')} for {count(len(result.results), 'product')}, "
               f"{failing} failing a rule{warnings_note(result.results)}; proof: {root / 'proof.html'}")
    if campaign.changes is not None:
        moved = [c for c in campaign.changes if c.state != "unchanged"]
        click.echo(f"since approval ({campaign.approved_at}): "
                   + (f"{len(moved)} of {len(campaign.changes)} changed" if moved else "nothing changed"))
        for c in moved:
            click.echo(f"  {c.state}: {c.output}" + (f" (diff: {root / c.diff})" if c.diff else ""))
    sys.exit(EXIT_OK if result.ok and not failing else EXIT_FAILED)


@click.command("main-image")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder the main images go to (OUTPUT/<platform>/<preset>/<name>.jpg).")
@click.option("-p", "--preset", "names", multiple=True, required=True,
              help="A main-image preset or platform (repeatable): amazon.main, tmall.white_bg, jd, lazada...")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON report file.  [default: OUTPUT/report.json]")
@JOBS_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress; only the failures and the summary.")
@PRESETS_OPTION
def main_image(sources: tuple[Path, ...], out_dir: Path, names: tuple[str, ...], report: Path | None,
               jobs: int | None, quiet: bool, extra: Path | None) -> None:
    """Turn product photos (SOURCES: files or folders) into marketplace main images: backdrop cleaned to pure
    white, product trimmed and centred (edge to edge for JD), encoded inside the preset's byte rule and checked.

    \b
    Example:
      artpipe main-image samples/photos -o out/main --preset amazon.main --preset tmall.white_bg
    Exit codes: 0 every photo made and every file passes, 1 a photo was rejected or a file fails a rule,
    2 unknown preset or not a main-image slot.
    """
    result = with_progress(None, "main images", quiet, lambda step: main_images(
        list(sources), out_dir, list(names), extra=extra, jobs=jobs, report=report, progress=step))
    failing = 0
    for product in (r for r in result.results if isinstance(r, ProductResult)):
        for out in product.written:
            if out.check is not None and not out.check.passed:
                failing += 1
                rules = "; ".join(f"{r.rule}: {r.measured} (limit {r.limit})" for r in out.check.failing)
                click.echo(f"FAIL {display(out.path)}: {out.check.preset}: {rules}", err=True)
    s = result.summary
    click.echo(f"main images: {count(s['outputs'], 'file')} from {s['ok']} of {count(len(result.results), 'photo')}, "
               f"{failing} failing a rule{warnings_note(result.results)}; report: {result.report}")
    sys.exit(EXIT_OK if result.ok and not failing else EXIT_FAILED)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def approve(folder: Path) -> None:
    """Record every output of a campaign FOLDER (written by artpipe request) as approved: its content hash
    goes into FOLDER/approved.json and a copy into FOLDER/approved/. Re-running the request then lists what
    changed since, with a visual diff of each change in FOLDER/changes/.

    \b
    Example:
      artpipe approve out/double11
    Exit codes: 0 approved, 2 not a campaign folder.
    """
    try:
        hashes = approve_campaign(folder)
    except ConfigError as exc:
        fail_config(exc, "nothing was approved")
    click.echo(f"{folder}: approved {count(len(hashes), 'file')} ({folder / APPROVED})")


COMMANDS = (presets, check, request, approve, main_image)
