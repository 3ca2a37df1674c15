"""templates import on PSD files saved by real tools (Photoshop, GIMP), from public packages: see
tests/fixtures/psd/real/SOURCES.md for where each comes from and its licence.

Each file is imported and rendered with its own values (the PSD's text, its pixels as the examples), and compared
with the file's composite: the mean difference outside the text boxes (and the product slot) in 8-bit levels, and
for each text layer how far the rendered words' ink lies from where Photoshop drew them. The fonts of these files
(Myriad, Gill Sans, Georgia, Microsoft YaHei ...) are not bundled, so the text is set in a substitute of another
width: the ink's top edge and its anchor (the left edge of a left-aligned text, the middle of a centred one, the
right edge of a right-aligned one) are compared, not its width.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image
from psd_tools import PSDImage
from psd_tools.api.layers import TypeLayer

from artpipe.api import import_psd, preview_template, validate_file
from artpipe.cli.commands import main
from artpipe.errors import InputError
from artpipe.layers.template import load_template
from artpipe.psdimport import read
from artpipe.template.layout import resolve_box

REAL = Path(__file__).parent / "fixtures" / "psd" / "real"
Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class Expect:
    """What a real file must reach: the issue's bar is a mean of 3 levels outside text; ``text_px`` bounds how far
    a text's ink starts from Photoshop's (left and top edges), and ``counts`` pins the import report."""

    mean_levels: float
    text_px: int
    counts: tuple[int, int, int, int]  # mapped, substituted, flattened, skipped


# Measured on these files (docs/psd.md lists the numbers); each bound sits a little above what was measured, far
# under the 3 levels, so that a regression on a real file shows (two different opaque pictures of one size
# once shared a file: 67 levels on the 16-bit file).
FILES = {
    "castle-parallax-industrial.psd": Expect(0.05, 3, (5, 1, 0, 0)),
    "castle-parallax-mountain.psd": Expect(0.05, 3, (8, 1, 0, 0)),
    "deepin-music-main-zh_CN.psd": Expect(0.1, 3, (54, 12, 0, 1)),
    "mimetype-testdata.psd": Expect(0.05, 0, (1, 0, 0, 0)),
    "opentip-explanations.psd": Expect(0.05, 3, (5, 4, 0, 2)),
    "pytoshop-16bit5x5.psd": Expect(0.05, 0, (3, 0, 0, 0)),
    "pytoshop-clipping-mask.psd": Expect(0.15, 0, (4, 0, 0, 0)),
    "pytoshop-empty-layer.psd": Expect(0.05, 0, (2, 0, 0, 1)),
    "pytoshop-gradient-fill.psd": Expect(1.0, 0, (3, 0, 0, 0)),
    "pytoshop-history.psd": Expect(0.05, 0, (1, 0, 0, 0)),
    "pytoshop-layer_comps.psd": Expect(0.3, 0, (8, 0, 0, 2)),
    "pytoshop-placedLayer.psd": Expect(0.05, 0, (4, 0, 0, 0)),
    "pytoshop-semi-transparent-layers.psd": Expect(0.15, 0, (3, 0, 0, 0)),
    "pytoshop-text.psd": Expect(0.05, 3, (1, 1, 0, 0)),
    "pytoshop-vector-mask.psd": Expect(0.05, 0, (4, 0, 0, 0)),
    "stylebook-christmas.psd": Expect(0.05, 0, (9, 0, 0, 0)),
    "w3c-markup-validation-service.psd": Expect(0.05, 3, (0, 1, 0, 0)),
}


@dataclass(frozen=True)
class Measured:
    """One real file imported and rendered, against its composite."""

    mean_levels: float  # outside text boxes and the product slot
    text_px: dict[str, int]  # per text layer: the larger of its ink's top and anchor offsets
    counts: tuple[int, int, int, int]


def on_white(im: Image.Image) -> Image.Image:
    """A picture as it shows on a white page."""
    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, im.convert("RGBA")).convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> np.ndarray:
    """Per-pixel mean absolute difference over the colour channels, in levels."""
    return np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).mean(axis=2)


def text_hidden(folder: Path, to: Path) -> Path:
    """A copy of the template folder with its text layers hidden (what the words' ink is measured against)."""
    shutil.copytree(folder, to)
    file = to / "template.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    for layer in data["layers"]:
        if layer["type"] == "text":
            layer["visible"] = False
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return to


def ink(diff: np.ndarray, box: Rect) -> Rect | None:
    """Where a text's ink is inside its box: the pixels the text changes by more than a few levels."""
    left, top, right, bottom = box
    region = diff[max(0, top):bottom, max(0, left):right] > 24
    if not region.any():
        return None
    ys, xs = np.nonzero(region)
    return max(0, left) + int(xs.min()), max(0, top) + int(ys.min()), max(0, left) + int(xs.max()) + 1, \
        max(0, top) + int(ys.max()) + 1


def measure(psd: Path, work: Path) -> Measured:
    """Import ``psd``, render it with its own values and compare with its composite."""
    done = import_psd(psd, work / "t")
    assert validate_file(done.folder).ok
    template = load_template(done.template)
    size = template.sizes[0]
    (_, rendered), = preview_template(done.folder)
    (_, bare), = preview_template(text_hidden(done.folder, work / "bare"))
    rendered, bare = on_white(rendered), on_white(bare)
    expected = on_white(PSDImage.open(psd).composite(force=True))
    holes: dict[str, Rect] = {}
    aligns: dict[str, str] = {}
    for layer in template.layers[size.name]:
        if layer.type == "text" or layer.name == "product":
            r = resolve_box(layer.box, size.width, size.height)
            holes[layer.name] = (r.x, r.y, r.x + r.w, r.y + r.h)
        if layer.type == "text":
            aligns[layer.name] = layer.style.align  # type: ignore[attr-defined]
    diff = difference(expected, rendered)
    keep = np.ones(diff.shape, dtype=bool)
    for left, top, right, bottom in holes.values():
        keep[max(0, top):bottom, max(0, left):right] = False
    mean = float(diff[keep].mean()) if keep.any() else 0.0
    texts = _text_offsets(psd, done.report["layers"], holes, aligns, difference(rendered, bare))
    c = done.report["counts"]
    return Measured(mean, texts, (c["mapped"], c["substituted"], c["flattened"], c["skipped"]))


def _anchor(rect: Rect, align: str) -> float:
    return {"left": rect[0], "right": rect[2]}.get(align, (rect[0] + rect[2]) / 2)


def _text_offsets(psd: Path, rows: list[dict[str, str]], holes: dict[str, Rect], aligns: dict[str, str],
                  diff: np.ndarray) -> dict[str, int]:
    """Per text layer: how far (px) the rendered ink's top edge and anchor are from Photoshop's ink."""
    type_layers = [layer for layer in PSDImage.open(psd).descendants()
                   if isinstance(layer, TypeLayer) and layer.is_visible()]
    text_rows = [row for row in rows if row["detail"].startswith("text")]
    text_holes = list(aligns)
    out: dict[str, int] = {}
    for layer, name in zip(type_layers, text_holes, strict=True):
        found = ink(diff, holes[name])
        assert found is not None, f"{name}: no text drawn in its box"
        along = abs(_anchor(found, aligns[name]) - _anchor(layer.bbox, aligns[name]))
        out[name] = round(max(along, abs(found[1] - layer.bbox[1])))
    assert len(text_rows) == len(type_layers)
    return out


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_real_file_renders_like_its_composite(tmp_path: Path, name: str) -> None:
    expect = FILES[name]
    got = measure(REAL / name, tmp_path)
    assert got.counts == expect.counts
    assert got.mean_levels <= expect.mean_levels, f"{name}: {got.mean_levels:.2f} levels outside text"
    for layer, px in got.text_px.items():
        assert px <= expect.text_px, f"{name}: {layer}'s ink starts {px} px from Photoshop's"


def test_every_real_file_is_listed_with_its_source_and_checksum() -> None:
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in REAL.glob("*.psd"))
    assert files == sorted(FILES)
    for file in files:
        assert f"`{file}`" in sources, file
        assert hashlib.sha256((REAL / file).read_bytes()).hexdigest() in sources, file
        assert (REAL / file).stat().st_size < 5_000_000


@pytest.mark.parametrize("name", ["deepin-music-main-zh_CN.psd", "opentip-explanations.psd"])
def test_a_real_file_cut_inside_its_layers_is_one_clear_line(tmp_path: Path, name: str) -> None:
    data = (REAL / name).read_bytes()
    for share in (0.0001, 0.02, 0.3, 0.6):
        bad = tmp_path / f"cut-{share}.psd"
        bad.write_bytes(data[: int(len(data) * share)])
        with pytest.raises(InputError) as caught:
            import_psd(bad, tmp_path / f"out-{share}")
        assert caught.value.reason == "truncated", caught.value
        result = CliRunner().invoke(main, ["templates", "import", str(bad), str(tmp_path / f"cli-{share}")])
        assert result.exit_code == 1
        assert result.output.count("\n") == 1
        assert result.output.startswith(f"error: {bad}: truncated: ")


def test_a_real_file_cut_inside_its_merged_picture_still_imports_from_its_layers(tmp_path: Path) -> None:
    """The merged picture is the file's last section and the import does not read it: the layers are whole."""
    data = (REAL / "opentip-explanations.psd").read_bytes()
    cut = tmp_path / "cut.psd"
    cut.write_bytes(data[: len(data) - 100])
    done = import_psd(cut, tmp_path / "out")
    assert validate_file(done.folder).ok
    assert done.report["counts"] == {"mapped": 5, "substituted": 4, "flattened": 0, "skipped": 2}


def test_without_the_stroke_library_a_stroked_shape_is_a_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """psd-tools redraws stroked vector shapes with aggdraw (a dependency) when it composites a whole document, as
    flattening a blend mode does; were aggdraw missing, the import would say so in one line."""
    from psd_tools.composite import _compat

    monkeypatch.setattr(_compat, "HAS_AGGDRAW", False)
    path = REAL / "deepin-music-main-zh_CN.psd"
    with pytest.raises(InputError) as caught:
        read.guarded(path, lambda: PSDImage.open(path).composite(force=True))
    assert caught.value.reason == "unsupported"
    assert "Vector shape rendering requires: aggdraw; pip install 'psd-tools[composite]'" in caught.value.message


def test_stroked_rounded_rectangles_become_shape_layers(tmp_path: Path) -> None:
    """deepin-music's buttons are Photoshop live rounded rectangles (radius 6, no fill, a 2 px blue inside
    stroke): shape layers the designer can change, drawn where Photoshop drew them."""
    done = import_psd(REAL / "deepin-music-main-zh_CN.psd", tmp_path / "t")
    rows = {row["layer"]: row["detail"] for row in done.report["layers"]}
    assert rows["圆角矩形 11"] == "shape rounded not filled, stroke #51a7f9 2 px"
    assert sum(1 for d in rows.values() if d.startswith("shape rounded")) == 11  # every 圆角矩形 (rounded rect)
    assert sum(1 for name in rows if "圆角矩形" in name) == 11
    layer = next(x for x in yaml.safe_load(done.template.read_text(encoding="utf-8"))["layers"]
                 if x["name"] == "圆角矩形-11")
    assert (layer["shape"], layer["fill"], layer["stroke"]) == ("rounded", None, {"color": "#51a7f9", "width": 2})
    template = load_template(done.template)
    box = next(x for x in template.layers["design"] if x.name == "圆角矩形-11").box
    r = resolve_box(box, 1072, 682)
    assert (r.x, r.y, r.x + r.w, r.y + r.h) == (150, 609, 299, 660)  # the live shape's box (the stroke is inside)
    assert min(r.w, r.h) * float(layer["radius"].rstrip("%")) / 100 == pytest.approx(6, abs=0.1)


@pytest.mark.parametrize("name", ["opentip-explanations.psd", "pytoshop-text.psd"])
def test_a_damaged_real_file_imports_or_is_one_clear_line(tmp_path: Path, name: str) -> None:
    """Eight bytes overwritten at 25 places each (text engine data, layer records, pixel data): every import
    succeeds or is a classified reject, never a traceback. Most damage lands in pixel data, which imports (a
    damaged vector stroke or text engine record is left out by psd-tools, and the layer becomes art)."""
    data = (REAL / name).read_bytes()
    rng = np.random.default_rng(26)
    for i, start in enumerate(rng.integers(26, len(data) - 8, 25)):
        damaged = bytearray(data)
        damaged[start:start + 8] = rng.integers(0, 256, 8, dtype=np.uint8).tobytes()
        path = tmp_path / f"{i}.psd"
        path.write_bytes(bytes(damaged))
        refused: list[InputError] = []
        try:
            import_psd(path, tmp_path / f"out{i}")
        except InputError as exc:
            refused.append(exc)
        for exc in refused:
            assert exc.reason in ("truncated", "corrupt", "bomb", "too_large", "unsupported"), exc
            assert "\n" not in str(exc)


def test_a_second_style_inside_one_text_is_named_in_the_report(tmp_path: Path) -> None:
    """opentip's ``cos(α) =`` has a red α inside a grey text: artpipe draws one style a text, and says so."""
    done = import_psd(REAL / "opentip-explanations.psd", tmp_path / "t")
    rows = {row["layer"]: row["detail"] for row in done.report["layers"]}
    assert rows["Close Button/Group 4/cos(α) ="].endswith(
        "; 1 run(s) in another colour, font or size are drawn in the first run's style")
    assert "run(s)" not in rows["Close Button/Group 4/offsetY"]  # two runs, one style: nothing lost
