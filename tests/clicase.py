"""What the CLI tests share: a folder with a job of two products, one photo good and one broken, and a way to
run the command line and read its exit code, output and errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from artpipe.cli.commands import main

from conftest import product_photo


def good_and_broken(tmp_path: Path) -> Path:
    """``tmp_path`` with ``job.yaml`` rendering promo-banner's mobile size for a good photo and a broken one."""
    (tmp_path / "photos").mkdir()
    product_photo().save(tmp_path / "photos" / "good.jpg")
    (tmp_path / "photos" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    (tmp_path / "job.yaml").write_text("""\
templates:
  - template: promo-banner
    sizes: [mobile]
products:
  - sku: good
    product: photos/good.jpg
    headline: 春季大促
  - sku: broken
    product: photos/broken.jpg
    headline: Spring
""", encoding="utf-8")
    return tmp_path

def run(*args: str) -> tuple[int, str, str]:
    """The command line run with ``args``: its exit code, standard output and standard error."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr
