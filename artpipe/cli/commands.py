"""The command line: parse, call the API, print, map errors to exit codes (0 ok, 1 some inputs failed, 2 config)."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from artpipe.api import (
    CACHE_DIR,
    CUTOUT_MODES,
    OUTPUT_FORMATS,
    Cutout,
    NormalizeOptions,
    ProductResult,
    Status,
    bundled_template_list,
    command,
    copy_template,
    count,
    display,
    import_psd,
    inspect_file,
    load_job_file,
    locate_template,
    normalize_files,
    plan_normalize,
    plan_render,
    preview_file,
    preview_template,
    render_job,
    save_preview,
    validate_file,
    warnings_note,
)
from artpipe.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    JOBS_OPTION,
    PRESETS_OPTION,
    executor_from,
    executor_options,
    fail_config,
    with_progress,
)
from artpipe.cli.fonts import COMMANDS as FONT_COMMANDS
from artpipe.cli.inbox import COMMANDS as INBOX_COMMANDS
from artpipe.cli.presets import COMMANDS as PRESET_COMMANDS
from artpipe.cli.studio import COMMANDS as STUDIO_COMMANDS
from artpipe.errors import ConfigError, InputError, RenderError
from artpipe.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="artpipe")
def main() -> None:
    """artpipe turns merchant product photos into finished store art.

    \b
    Example:
      artpipe render samples/jobs/spring-sale.yaml -o out/
    """
    # SIGTERM (a service manager, a timeout) unwinds like Ctrl-C instead of killing this process outright,
    # so worker pools are stopped with it rather than left behind; watch installs its own graceful handler.
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@main.command()
@click.argument("job", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder the outputs go to.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON report file.  [default: OUTPUT/report.json]")
@JOBS_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only the summary line.")
@click.option("--force", is_flag=True, help="Render everything again, even what is up to date.")
@click.option("--plan", "show_plan", is_flag=True, help="Print what would be rendered and why; render nothing.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="ARTPIPE_CACHE",
              help="Where the records of what was rendered are kept.  [default: OUTPUT/.artpipe-cache]")
@click.option("--keep-photos", is_flag=True, help="Also keep the normalized photos in the cache (3-4 bytes a "
              "pixel), so re-rendering after a template change skips decoding them.")
@executor_options
@PRESETS_OPTION
def render(job: Path, out_dir: Path, report: Path | None, jobs: int | None, quiet: bool, force: bool,
           show_plan: bool, cache_dir: Path | None, keep_photos: bool, executor: str, scheduler: str | None,
           ship_bytes: bool, extra: Path | None) -> None:
    """Render every product x template x size of a JOB file (YAML), incrementally: outputs whose inputs,
    template, fields and settings are unchanged since they were written are kept.

    \b
    Example:
      artpipe render samples/jobs/spring-sale.yaml -o out/
      artpipe render samples/jobs/spring-sale.yaml -o out/ --plan
    Exit codes: 0 all rendered, 1 some inputs rejected or failed, 2 the job or a template is wrong.
    """
    runner = executor_from(executor, scheduler, ship_bytes)
    try:
        loaded = load_job_file(job, extra)
    except ConfigError as exc:
        fail_config(exc)
    cache = cache_dir or out_dir / CACHE_DIR
    if show_plan:
        decisions = plan_render(loaded, out_dir, cache, force=force)
        for d in decisions:
            click.echo(f"{'render' if d.render else 'keep  '} {d.output}: {d.reason}")
        todo = sum(1 for d in decisions if d.render)
        click.echo(f"plan: {todo} to render, {len(decisions) - todo} up to date")
        sys.exit(EXIT_OK)
    result = with_progress(len(loaded.products), "rendering", quiet,
                            lambda step: render_job(loaded, out_dir, report=report, jobs=jobs, progress=step,
                                                    cache=cache, force=force, executor=runner,
                                                    keep_photos=keep_photos))
    s = result.summary
    kept = sum(1 for r in result.results if isinstance(r, ProductResult) and r.cached)
    click.echo(f"rendered {count(s['outputs'], 'output')} from {s['ok']} of {count(len(result.results), 'product')}"
               f"{f' ({kept} up to date, kept)' if kept else ''}; "
               f"failed {s['rejected'] + s['failed']}, skipped {s['ignored'] + s['duplicate']}"
               f"{warnings_note(result.results)}; {result.seconds:.1f} s; report: {result.report}")
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder the normalized images go to (never one of the sources).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON report file.  [default: OUTPUT/report.json]")
@click.option("--trim/--no-trim", default=False, show_default=True, help="Crop to the product plus a margin.")
@click.option("--max-size", type=click.IntRange(min=16), default=None, help="Longest side in pixels (never upscales).")
@click.option("--format", "fmt", type=click.Choice(["auto", *(name.lower() for name in OUTPUT_FORMATS)]),
              default="auto", show_default=True, help="auto: PNG when the image has transparency, JPEG otherwise.")
@click.option("--white-backdrop", is_flag=True, help="Clean a light plain backdrop to pure white.")
@click.option("--cutout", type=click.Choice(CUTOUT_MODES), default=Cutout.NEVER.value, show_default=True,
              help="Isolate the product: auto (a light plain backdrop by colour, others by the segmentation model) "
                   "or model; a cut-out is written as a transparent PNG (on white with --white-backdrop).")
@JOBS_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only the summary line.")
def normalize(sources: tuple[Path, ...], out_dir: Path, report: Path | None, trim: bool, max_size: int | None,
              fmt: str, white_backdrop: bool, cutout: str, jobs: int | None, quiet: bool) -> None:
    """Turn SOURCES (files or folders) into clean sRGB images in OUTPUT.

    \b
    Example:
      artpipe normalize samples/photos -o out/normalized --trim --max-size 2000
    Inputs are only read. Temporary and system files are ignored; byte-identical copies are reported as
    duplicates. Exit codes: 0 all accepted, 1 some inputs rejected, 2 usage error.
    """
    options = NormalizeOptions(trim=trim, max_size=max_size, white_backdrop=white_backdrop, cutout=cutout)
    try:
        plan = plan_normalize(list(sources), out_dir, options, fmt)
    except ConfigError as exc:
        fail_config(exc)
    result = with_progress(plan.total, "normalizing", quiet,
                            lambda step: normalize_files(plan, report=report, jobs=jobs, progress=step))
    s = result.summary
    click.echo(f"normalized {s['ok']} of {len(result.results)} inputs; rejected {s['rejected']}, "
               f"failed {s['failed']}, ignored {s['ignored']}, duplicates {s['duplicate']}; "
               f"{result.seconds:.1f} s; report: {result.report}")
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def inspect(files: tuple[Path, ...], as_json: bool) -> None:
    """Show what artpipe sees in each of FILES: format, size, colour, orientation, product box, warnings.

    \b
    Example:
      artpipe inspect samples/photos/mug-sideways.jpg --json
    Exit codes: 0 all readable, 1 some rejected.
    """
    rows = [inspect_file(path) for path in files]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            click.echo(str(row.pop("input")))
            for key, value in row.items():
                shown = ", ".join(map(str, value)) if isinstance(value, list) else value
                click.echo(f"  {key:12} {shown if shown not in (None, '') else '-'}")
    sys.exit(EXIT_OK if all(r["status"] is Status.OK for r in rows) else EXIT_FAILED)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@PRESETS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file for scripts.")
def validate(files: tuple[Path, ...], extra: Path | None, as_json: bool) -> None:
    """Check template, job and request FILES; print every problem as file:line:col.

    For jobs and requests it also lists missing images and test-fits every text into every size and preset
    with the real fonts: what would be cut with an ellipsis or fail is listed before anything renders.

    \b
    Example:
      artpipe validate templates/promo-banner samples/jobs/spring-sale.yaml samples/requests/double11.yaml
    Exit codes: 0 all valid, 1 problems found (a missing file is one; the others are still checked).
    """
    def progress(done: int, total: int) -> None:
        if not as_json:
            click.echo(f"test-fitting texts: {done}/{total} products", err=True)

    results = [validate_file(path, extra, progress) for path in files]
    total = sum(len(r.problems) for r in results)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    for r in results if not as_json else ():
        for line in (*r.cut, *r.problems):
            click.echo(line, err=True)
        if r.ok:
            click.echo(f"ok: {r.path} ({r.summary})")
    if total and not as_json:
        click.echo(f"error: {total} problem{'s' if total != 1 else ''} in {len(files)} file(s)", err=True)
    if total:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("template")
@click.option("--size", "size", default="all", show_default=True, help="A size name, or all.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
              help="Field values instead of the template's examples (image paths are relative to the template).")
@click.option("--boxes", is_flag=True, help="Outline every layer's box and name over the art.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              show_default="preview.png beside the template; a bundled one's: ./NAME-preview.png",
              help="PNG to write; several sizes are stacked on one sheet.")
def preview(template: str, size: str, sets: tuple[str, ...], boxes: bool, out: Path | None) -> None:
    """Render TEMPLATE (a file, a folder or a bundled template's name) with its example data, to check a layout
    while writing it.

    \b
    Example:
      artpipe preview promo-banner --boxes -o banner.png
      artpipe preview templates/promo-banner --size mobile --set headline="限时 五折" -o m.png
    """
    values = {}
    for item in sets:
        if "=" not in item:
            msg = f"'{item}' is not FIELD=VALUE"
            raise click.BadParameter(msg, param_hint="--set")
        key, value = item.split("=", 1)
        values[key.strip()] = value
    try:
        renders = preview_template(Path(template), None if size == "all" else [size], values, boxes=boxes)
    except ConfigError as exc:
        fail_config(exc)
    except RenderError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    except InputError as exc:  # a --set image that is missing, cut short or not an image
        click.echo(f"error: {exc.path}: {exc.reason}: {exc.message}", err=True)
        sys.exit(EXIT_FAILED)
    out = out or preview_file(Path(template))
    save_preview(renders, out)
    click.echo(f"wrote {display(out)} ({', '.join(label for label, _ in renders)})")


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def templates(ctx: click.Context, as_json: bool) -> None:
    """List the bundled templates with their sizes and fields; show or copy one to edit.

    \b
    Example:
      artpipe templates --json
      artpipe templates show promo-banner
      artpipe templates copy promo-banner my-templates/
      artpipe templates import banner.psd templates/banner
    """
    if ctx.invoked_subcommand is None:
        _list_templates(as_json)


@templates.command("show")
@click.argument("name")
def show_template(name: str) -> None:
    """Print template NAME's YAML (a bundled name, or a path) and the files beside it."""
    try:
        path = locate_template(name)
    except ConfigError as exc:
        fail_config(exc, "nothing to show")
    click.echo(f"# {path}")
    click.echo(path.read_text(encoding="utf-8").rstrip("\n"))
    if path.name == "template.yaml":
        for extra in sorted(p for p in path.parent.rglob("*") if p.is_file() and p != path):
            click.echo(f"# beside it: {extra.relative_to(path.parent).as_posix()}")


@templates.command("copy")
@click.argument("name")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def copy_template_command(name: str, dest: Path) -> None:
    """Copy template NAME (with the files it uses) into folder DEST, to edit it; never overwrites."""
    try:
        target = copy_template(name, dest)
    except ConfigError as exc:
        fail_config(exc, "nothing was copied")
    click.echo(f"copied {name} to {target}; edit it, then: {command('artpipe', 'preview', target)}")


@templates.command("import")
@click.argument("psd", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("dest", type=click.Path(path_type=Path))
def import_template_command(psd: Path, dest: Path) -> None:
    """Make template folder DEST from PSD, a layered Photoshop file (.psd or .psb): {product} and smart objects
    become the product slot, {field} layers fields, text layers text, artboards sizes, the rest fixed art.
    Prints the import report and writes it as DEST/import-report.json. See docs/psd.md.

    \b
    Example:
      artpipe templates import double11.psd templates/double11 && artpipe preview templates/double11
    """
    try:
        done = import_psd(psd, dest)
    except ConfigError as exc:
        fail_config(exc, "nothing was imported")
    except InputError as exc:
        click.echo(f"error: {exc.path}: {exc.reason}: {exc.message}", err=True)
        sys.exit(EXIT_FAILED)
    for row in done.report["layers"]:
        size = f"[{row['size']}] " if row["size"] else ""
        click.echo(f"  {row['action']:11} {size}{row['layer']}: {row['detail']}")
    sizes = ", ".join(f"{k} {v['width']}x{v['height']}" for k, v in done.report["sizes"].items())
    counts = ", ".join(f"{n} {a}" for a, n in done.report["counts"].items() if n)
    click.echo(f"imported {psd} to {done.template} ({sizes}; {counts}); report: {done.report_file}")
    click.echo(f"next: {command('artpipe', 'validate', dest)} && {command('artpipe', 'preview', dest, '--boxes')}")


def _list_templates(as_json: bool) -> None:
    rows = bundled_template_list()
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        if row.error:
            click.echo(f"{row.name}  (broken: {row.error})")
            continue
        click.echo(f"{row.name} - {row.description}")
        click.echo("  sizes:  " + ", ".join(f"{k} {v}" for k, v in row.sizes.items()))
        click.echo("  fields: " + ", ".join(f"{k}:{v}" for k, v in row.fields.items()) + "   (* required)")


for _command in (*INBOX_COMMANDS, *PRESET_COMMANDS, *FONT_COMMANDS, *STUDIO_COMMANDS):
    main.add_command(_command)
