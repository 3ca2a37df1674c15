"""artpipe templates import: layered Photoshop files become template folders.

Every PSD here is built in the test with psd-tools (pixel layers, groups, opacity, masks, blend modes, ZIP data);
text layers, vector shapes and artboards, which psd-tools cannot create, are added by samples/make_psd.py's
``add_text``, ``add_shape`` and ``make_artboard``, and smart objects by ``smart_object`` below (Photoshop's own
records for them on layers psd-tools made). Text pixels are drawn with the bundled font the import maps them to, so
the composite can be compared with the render, text included.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw
from psd_tools import PSDImage
from psd_tools.api.layers import Group, PixelLayer
from psd_tools.constants import BlendMode, Compression, Tag
from psd_tools.psd.descriptor import DescriptorBlock, String

from artpipe.api import import_psd, preview_template, validate_file
from artpipe.cli.commands import main
from artpipe.defaults import settings
from artpipe.errors import InputError
from artpipe.layers.template import load_template
from artpipe.psdimport import read
from artpipe.template.layout import resolve_box
from artpipe.text.fonts import get_font

_spec = importlib.util.spec_from_file_location("make_psd", Path(__file__).parent.parent / "samples" / "make_psd.py")
assert _spec is not None
assert _spec.loader is not None
make_psd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_psd)
add_text, add_shape, make_artboard, stripes = make_psd.add_text, make_psd.add_shape, make_psd.make_artboard, \
    make_psd.stripes

MAX_MEAN_LEVELS = 3.0  # the bar: mean difference outside text, in 8-bit levels


def banner(path: Path) -> Path:
    """A 600x300 banner: backdrop, a group of art at half opacity, a multiply stamp, the product, a logo, a
    Chinese and Latin headline field and a literal text."""
    psd = PSDImage.new("RGB", (600, 300))
    psd.create_pixel_layer(Image.new("RGBA", (600, 300), (255, 238, 220, 255)), name="Backdrop")
    group = psd.create_group(name="Decor")
    group.create_pixel_layer(stripes((180, 120), (228, 57, 60, 255), (255, 200, 80, 255)), name="Ribbon",
                             left=20, top=150, opacity=128)
    circle = Image.new("RGBA", (90, 90), (0, 0, 0, 0))
    ImageDraw.Draw(circle).ellipse((0, 0, 89, 89), fill=(30, 90, 200, 255))
    group.create_pixel_layer(circle, name="Dot", left=250, top=20)
    psd.create_pixel_layer(Image.new("RGBA", (60, 60), (120, 120, 200, 255)), name="Stamp", left=230, top=200,
                           blend_mode=BlendMode.MULTIPLY)
    psd.create_pixel_layer(stripes((200, 240), (40, 140, 90, 255), (20, 60, 40, 255)), name="{product}",
                           left=370, top=30)
    psd.create_pixel_layer(Image.new("RGBA", (80, 30), (20, 20, 20, 255)), name="{logo}", left=20, top=20)
    add_text(psd, "{headline}", "春季焕新 Sale", (20, 110), 40, (29, 29, 31), font="SourceHanSansCN-Bold",
             family="sans", canvas=(600, 300))
    add_text(psd, "Slogan", "Free shipping", (20, 140), 18, (90, 90, 96), canvas=(600, 300))
    psd.save(path)
    return path


def boards(path: Path) -> Path:
    """Two artboards, 400x200 and 200x200, each with a backdrop, a product slot and a headline."""
    psd = PSDImage.new("RGB", (700, 260))
    for name, rect, product in (("Wide", (0, 0, 400, 200), (240, 20, 140, 160)),
                                ("Square", (450, 0, 650, 200), (500, 70, 100, 100))):
        group = psd.create_group(name=name)
        left, top, right, bottom = rect
        group.create_pixel_layer(stripes((right - left, bottom - top), (250, 245, 235, 255), (235, 225, 205, 255)),
                                 name="Backdrop", left=left, top=top)
        px, py, pw, ph = product
        group.create_pixel_layer(Image.new("RGBA", (pw, ph), (60, 120, 200, 255)), name="{product}", left=px, top=py)
        add_text(group, "{headline}", "New in", (left + 16, top + 50), 30, (20, 20, 20), canvas=(700, 260))
        make_artboard(group, rect)
    psd.save(path)
    return path


def composite(path: Path, box: tuple[int, int, int, int] | None = None) -> Image.Image:
    """Photoshop's look of the file (psd-tools' composite) on white, or of one artboard."""
    psd = PSDImage.open(path)
    im = psd.composite(viewport=box, force=True) if box else psd.composite(force=True)
    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, im.convert("RGBA")).convert("RGB")


def mean_outside(a: Image.Image, b: Image.Image, holes: list[tuple[int, int, int, int]]) -> float:
    """Mean absolute difference in levels over every pixel outside ``holes`` (left, top, right, bottom)."""
    diff = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).mean(axis=2)
    keep = np.ones(diff.shape, dtype=bool)
    for left, top, right, bottom in holes:
        keep[max(0, top):bottom, max(0, left):right] = False
    return float(diff[keep].mean())


def boxes(folder: Path, size: str) -> dict[str, tuple[int, int, int, int]]:
    """Every layer's resolved box at ``size``, as (left, top, right, bottom)."""
    t = load_template(folder / "template.yaml")
    s = t.size(size)
    out = {}
    for layer in t.layers[size]:
        r = resolve_box(layer.box, s.width, s.height)
        out[layer.name] = (r.x, r.y, r.x + r.w, r.y + r.h)
    return out


def test_a_banner_imports_validates_and_renders_like_its_composite(tmp_path: Path) -> None:
    psd = banner(tmp_path / "banner.psd")
    done = import_psd(psd, tmp_path / "banner")
    assert validate_file(done.folder).ok
    t = load_template(done.template)
    assert t.size_names == ("design",)
    assert {n: f.type for n, f in t.fields.items()} == {"product": "image", "logo": "image", "headline": "text"}
    assert t.fields["headline"].example == "春季焕新 Sale"
    found = boxes(done.folder, "design")
    layers = {layer.name: layer for layer in PSDImage.open(psd).descendants()}
    for name, psd_name in (("backdrop", "Backdrop"), ("ribbon", "Ribbon"), ("dot", "Dot"), ("stamp", "Stamp"),
                           ("product", "{product}"), ("logo", "{logo}")):
        assert found[name] == layers[psd_name].bbox, name
    assert [layer.name for layer in t.layers["design"]] == [
        "backdrop", "ribbon", "dot", "stamp", "product", "logo", "headline", "slogan"]
    with Image.open(done.folder / "art/ribbon.png") as ribbon:
        assert ribbon.getpixel((0, 0))[3] == 128  # the layer's opacity is in the exported art

    (_, rendered), = preview_template(done.folder)
    expected = composite(psd)
    texts = [found["headline"], found["slogan"]]
    # Outside text and the product slot (the product is the merchant's photo, placed by the engine).
    assert mean_outside(expected, rendered.convert("RGB"), [*texts, found["product"]]) <= MAX_MEAN_LEVELS
    # Text in the same boxes: the render's ink lies where the PSD's text layers' pixels are.
    for psd_name in ("{headline}", "Slogan"):
        left, top, right, bottom = layers[psd_name].bbox
        region = (left - 3, top - 3, right + 3, bottom + 3)
        assert mean_outside(expected.crop(region), rendered.convert("RGB").crop(region), []) <= MAX_MEAN_LEVELS


def test_group_opacity_masks_and_clipped_layers_carry_over(tmp_path: Path) -> None:
    psd = PSDImage.new("RGBA", (200, 120))  # layer alpha as a channel, so a layer can also have a mask
    psd.create_pixel_layer(Image.new("RGBA", (200, 120), (240, 240, 250, 255)), name="Backdrop")
    base = psd.create_pixel_layer(Image.new("RGBA", (60, 60), (200, 0, 0, 255)), name="Card", left=10, top=10)
    clip = psd.create_pixel_layer(stripes((200, 120), (0, 0, 255, 255), (255, 255, 0, 255)), name="Pattern")
    clip.clipping = True
    group = psd.create_group(name="Faded", opacity=128)
    group.create_pixel_layer(stripes((80, 50), (0, 160, 0, 255), (0, 60, 0, 255)), name="Leaf", left=100, top=50)
    masked = psd.create_pixel_layer(Image.new("RGBA", (50, 50), (90, 0, 90, 255)), name="Masked", left=140, top=5)
    masked.create_mask(Image.new("L", (25, 50), 255), left=140, top=5)
    screen = psd.create_group(name="Glow")
    screen.create_pixel_layer(Image.new("RGBA", (40, 40), (90, 90, 200, 255)), name="Light", left=5, top=75)
    screen.blend_mode = BlendMode.SCREEN
    psd.save(tmp_path / "g.psd")
    done = import_psd(tmp_path / "g.psd", tmp_path / "g")
    rows = {row["layer"]: row["detail"] for row in done.report["layers"]}
    assert rows["Card"] == "fixed art with the layers clipped to it"
    assert rows["Glow"].startswith("blend mode screen is not drawn by artpipe: flattened")
    assert boxes(done.folder, "design")["masked"] == (140, 5, 165, 55)  # trimmed to what the mask shows
    (_, rendered), = preview_template(done.folder)
    assert base.bbox == (10, 10, 70, 70)
    assert mean_outside(composite(tmp_path / "g.psd"), rendered.convert("RGB"), []) <= MAX_MEAN_LEVELS


def test_the_import_report_lists_what_was_mapped_substituted_and_flattened(tmp_path: Path) -> None:
    done = import_psd(banner(tmp_path / "banner.psd"), tmp_path / "banner")
    written = json.loads(done.report_file.read_text(encoding="utf-8"))
    assert written == done.report
    rows = {row["layer"]: (row["action"], row["detail"]) for row in written["layers"]}
    assert rows["{product}"] == ("mapped", "the product image slot")
    assert rows["{logo}"] == ("mapped", "image field logo")
    assert rows["Decor/Ribbon"] == ("mapped", "fixed art")
    assert rows["{headline}"] == ("mapped", "text field headline in sans bold, 40 px")
    assert rows["Stamp"][0] == "flattened"
    assert "multiply" in rows["Stamp"][1]
    assert rows["Slogan"] == ("mapped", "text in noto-sans bold, 18 px")
    assert written["counts"] == {"mapped": 7, "substituted": 0, "flattened": 1, "skipped": 0}


def test_an_unknown_font_is_substituted_and_named(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (300, 100))
    add_text(psd, "Title", "Hello", (10, 60), 30, (0, 0, 0), font="HelveticaNeue-Bold", canvas=(300, 100))
    psd.save(tmp_path / "t.psd")
    done = import_psd(tmp_path / "t.psd", tmp_path / "t")
    (row,) = done.report["layers"]
    assert row["action"] == "substituted"
    assert "font HelveticaNeue-Bold is not bundled or in the template folder: set in sans bold" in row["detail"]


def smart_object(parent: PSDImage | Group, name: str, picture: Image.Image, left: int, top: int) -> PixelLayer:
    """A placed (smart object) layer: its pixels, and the soLD record that makes Photoshop treat it as placed."""
    layer = parent.create_pixel_layer(picture, name=name, left=left, top=top)
    data = DescriptorBlock(classID=b"null")
    data[b"Idnt"] = String(value=f"{name}-0001")
    layer._record.tagged_blocks.set_data(Tag.SMART_OBJECT_LAYER_DATA1, b"soLD", 5, data)
    return layer


def test_the_first_smart_object_is_the_product_slot_and_later_ones_art(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (200, 100))
    smart_object(psd, "Mockup photo", stripes((60, 60), (30, 30, 200, 255), (90, 90, 250, 255)), 120, 20)
    smart_object(psd, "Sticker", Image.new("RGBA", (20, 20), (200, 30, 30, 255)), 10, 10)
    psd.save(tmp_path / "s.psd")
    assert [layer.kind for layer in PSDImage.open(tmp_path / "s.psd")] == ["smartobject", "smartobject"]
    done = import_psd(tmp_path / "s.psd", tmp_path / "s")
    assert [(row["layer"], row["detail"]) for row in done.report["layers"]] == [
        ("Mockup photo", "the product image slot"), ("Sticker", "fixed art")]
    assert boxes(done.folder, "design") == {"product": (120, 20, 180, 80), "sticker": (10, 10, 30, 30)}


def test_a_group_named_product_is_the_slot_over_the_whole_group(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (200, 100))
    group = psd.create_group(name="{product}")
    group.create_pixel_layer(Image.new("RGBA", (40, 30), (0, 0, 0, 255)), name="Shadow", left=100, top=60)
    group.create_pixel_layer(Image.new("RGBA", (50, 50), (0, 90, 200, 255)), name="Bottle", left=110, top=10)
    psd.save(tmp_path / "g.psd")
    done = import_psd(tmp_path / "g.psd", tmp_path / "g")
    assert boxes(done.folder, "design") == {"product": (100, 10, 160, 90)}
    with Image.open(done.folder / "examples/product.png") as example:
        assert example.size == (60, 80)


def test_plain_vector_rectangles_and_ellipses_become_shapes(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (200, 100))
    psd.create_pixel_layer(Image.new("RGBA", (200, 100), (250, 250, 250, 255)), name="Backdrop")
    add_shape(psd, "Box", "rect", (10, 10, 70, 50), (200, 30, 30), (200, 100))
    add_shape(psd, "Dot", "ellipse", (100, 20, 180, 90), (30, 30, 200), (200, 100))
    psd.save(tmp_path / "s.psd")
    done = import_psd(tmp_path / "s.psd", tmp_path / "s")
    layers = {layer.name: layer for layer in load_template(done.template).layers["design"]}
    assert (layers["box"].type, layers["box"].shape, layers["dot"].shape) == ("shape", "rect", "ellipse")  # type: ignore[attr-defined]
    assert boxes(done.folder, "design")["dot"] == (100, 20, 180, 90)
    assert done.report["layers"][1]["detail"] == "shape rect filled #c81e1e"
    (_, rendered), = preview_template(done.folder)
    assert mean_outside(composite(tmp_path / "s.psd"), rendered.convert("RGB"), []) <= MAX_MEAN_LEVELS


def test_paragraph_text_keeps_its_box_and_the_lines_that_fit_it(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (400, 200))
    # A paragraph box 300x100 whose first baseline Photoshop puts at 50: room for 3 lines of 24 px at 1.2.
    add_text(psd, "{subline}", "Two cups for one", (30, 50), 24, (0, 0, 0), canvas=(400, 200), align="ms",
             paragraph=(0, -20, 300, 80))
    psd.save(tmp_path / "p.psd")
    done = import_psd(tmp_path / "p.psd", tmp_path / "p")
    assert boxes(done.folder, "design")["subline"] == (30, 30, 330, 130)
    (layer,) = load_template(done.template).layers["design"]
    assert (layer.style.max_lines, layer.style.align) == (3, "center")  # type: ignore[attr-defined]
    assert validate_file(done.folder).ok


def test_a_font_in_the_template_folder_is_used(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (300, 100))
    add_text(psd, "Title", "Hello", (10, 60), 30, (0, 0, 0), font="Brand-Bold", canvas=(300, 100))
    psd.save(tmp_path / "t.psd")
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "Brand-Bold.ttf").write_bytes(Path(get_font("noto-sans", "bold", 10).path).read_bytes())
    done = import_psd(tmp_path / "t.psd", folder)
    assert "family: Brand-Bold.ttf" in done.template.read_text(encoding="utf-8")
    assert done.report["counts"]["substituted"] == 0
    assert validate_file(folder).ok


def test_artboards_become_sizes_of_one_template(tmp_path: Path) -> None:
    psd = boards(tmp_path / "boards.psd")
    done = import_psd(psd, tmp_path / "boards")
    t = load_template(done.template)
    assert {s.name: (s.width, s.height) for s in t.sizes} == {"wide": (400, 200), "square": (200, 200)}
    assert validate_file(done.folder).ok
    assert boxes(done.folder, "wide")["product"] == (240, 20, 380, 180)
    assert boxes(done.folder, "square")["product"] == (50, 70, 150, 170)  # relative to its artboard
    renders = dict(zip(("wide", "square"), (im for _, im in preview_template(done.folder)), strict=True))
    for size, rect in (("wide", (0, 0, 400, 200)), ("square", (450, 0, 650, 200))):
        found = boxes(done.folder, size)
        expected = composite(psd, rect)
        assert mean_outside(expected, renders[size].convert("RGB"), [found["product"]]) <= MAX_MEAN_LEVELS, size


def test_the_command_prints_the_report_and_what_to_do_next(tmp_path: Path) -> None:
    psd = banner(tmp_path / "banner.psd")
    result = CliRunner().invoke(main, ["templates", "import", str(psd), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "  flattened   Stamp: blend mode multiply is not drawn by artpipe" in result.output
    assert f"next: artpipe validate {tmp_path / 'out'}" in result.output
    again = CliRunner().invoke(main, ["templates", "import", str(psd), str(tmp_path / "out")])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert "Traceback" not in again.output


def _limits(**changes: int) -> object:
    return dataclasses.replace(settings(), psd=dataclasses.replace(settings().psd, **changes))


def _too_many_layers(path: Path) -> None:
    psd = PSDImage.new("RGB", (50, 50))
    for i in range(5):
        psd.create_pixel_layer(Image.new("RGBA", (5, 5), (i, 0, 0, 255)), name=f"L{i}")
    psd.save(path)


def _zip_bomb(path: Path) -> None:
    # 2000x2000 of one colour, ZIP-compressed: a few kilobytes on disk, 16 MB once decoded.
    psd = PSDImage.new("RGB", (2000, 2000))
    psd.create_pixel_layer(Image.new("RGBA", (2000, 2000), (9, 9, 9, 255)), name="flat", compression=Compression.ZIP)
    psd.save(path)


def _cut_short(path: Path) -> None:
    banner(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 10])  # inside the layers' pixel data


def _huge_canvas(path: Path) -> None:
    header = read.HEADER.pack(b"8BPS", 1, 3, 30000, 30000, 8, 3)
    path.write_bytes(header + b"\0" * 64)


def _damaged(path: Path) -> None:
    banner(path)
    data = bytearray(path.read_bytes())
    data[300:330] = b"\xff" * 30  # inside the first layer record (its blend mode)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("make", "limits", "reason", "words"), [
    (lambda p: p.write_bytes(b""), {}, "empty", "the file is empty"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40), {}, "unsupported", "not a Photoshop file"),
    (_cut_short, {}, "truncated", "cut short"),
    (_damaged, {}, "corrupt", "damaged"),
    (_huge_canvas, {}, "too_large", "the canvas is 30000x30000"),
    (_too_many_layers, {"max_layers": 3}, "too_large", "the file has 5 layers, over the limit of 3"),
    (_zip_bomb, {"max_decoded_bytes": 4_000_000}, "bomb", ""),
    (lambda p: p.write_bytes(b"8BPS" + b"\0" * 200), {"max_file_bytes": 100}, "too_large", "over the limit of 100"),
], ids=["empty", "png", "truncated", "damaged", "huge-canvas", "layers", "zip-bomb", "file-bytes"])
def test_a_hostile_file_gives_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: object,
                                             limits: dict[str, int], reason: str, words: str) -> None:
    path = tmp_path / "bad.psd"
    make(path)  # type: ignore[operator]
    monkeypatch.setattr(read, "settings", lambda: _limits(**limits))
    with pytest.raises(InputError) as caught:
        import_psd(path, tmp_path / "out")
    assert caught.value.reason == reason
    assert words in caught.value.message
    result = CliRunner().invoke(main, ["templates", "import", str(path), str(tmp_path / "out2")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"error: {path}: {reason}: ")
    assert not (tmp_path / "out2").exists()


def test_cut_or_damaged_files_never_escape_as_a_traceback(tmp_path: Path) -> None:
    """Cut at 20 places and with bytes overwritten at 20 more: each import succeeds or is a classified reject."""
    data = banner(tmp_path / "banner.psd").read_bytes()
    rng = np.random.default_rng(7)
    blobs = [data[:cut] for cut in range(0, len(data), len(data) // 20)]
    for start in rng.integers(26, 120_000, 20):
        damaged = bytearray(data)
        damaged[start:start + 8] = rng.integers(0, 256, 8, dtype=np.uint8).tobytes()
        blobs.append(bytes(damaged))
    for i, blob in enumerate(blobs):
        path = tmp_path / f"{i}.psd"
        path.write_bytes(blob)
        outcomes = []
        try:
            import_psd(path, tmp_path / f"out{i}")
        except InputError as exc:
            outcomes.append(exc)
        for exc in outcomes:
            assert exc.reason in ("empty", "truncated", "corrupt", "bomb", "too_large", "unsupported")
            assert "\n" not in str(exc)


def test_the_sample_design_imports_and_renders_like_photoshop_in_both_sizes(tmp_path: Path) -> None:
    """samples/psd/spring-banner.psd (made by samples/make_psd.py): two artboards, text fields, a substituted font,
    a flattened multiply band."""
    psd = Path(__file__).parent.parent / "samples" / "psd" / "spring-banner.psd"
    assert make_psd.spring_banner(tmp_path / "again.psd").read_bytes() == psd.read_bytes()  # the script made it
    done = import_psd(psd, tmp_path / "spring")
    assert validate_file(done.folder).ok
    assert done.report["counts"] == {"mapped": 12, "substituted": 2, "flattened": 2, "skipped": 0}
    renders = {label.split(" / ")[1].split(" ")[0]: im for label, im in preview_template(done.folder)}
    for size, rect in (("wide", (0, 0, 960, 300)), ("square", (1040, 0, 1540, 500))):
        found = boxes(done.folder, size)
        expected = composite(psd, rect)
        assert mean_outside(expected, renders[size].convert("RGB"), [found["product"]]) <= MAX_MEAN_LEVELS, size
