"""Walking a Photoshop file's layers (artpipe/psdimport/walk.py): groups, masks, clipping, smart objects, product
slots and artboards."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from psd_tools import PSDImage
from psd_tools.api.layers import Group, PixelLayer
from psd_tools.constants import BlendMode, Tag
from psd_tools.psd.descriptor import DescriptorBlock, String
from test_psdimport_build import MAX_MEAN_LEVELS, boards, boxes, composite, mean_outside, stripes

from artpipe.api import import_psd, preview_template, validate_file
from artpipe.layers.template import load_template


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


def test_layer_names_become_plain_unique_template_names() -> None:
    from artpipe.psdimport.walk import slug, unique
    assert [slug(n) for n in ("Hero Shot", " Logo (white) ", "价格", "---", "a_b")] == \
        ["hero-shot", "logo-white", "价格", "layer", "a_b"]
    used: set[str] = set()
    assert [unique(n, used) for n in ("art", "art", "art", "art-2")] == ["art", "art-2", "art-3", "art-2-2"]
    assert used == {"art", "art-2", "art-3", "art-2-2"}


def test_a_layer_outside_every_artboard_is_skipped_and_said(tmp_path: Path) -> None:
    psd = PSDImage.open(boards(tmp_path / "boards.psd"))
    psd.create_pixel_layer(Image.new("RGBA", (10, 10), (0, 0, 0, 255)), name="Stray", left=660, top=220)
    psd.save(tmp_path / "stray.psd")
    done = import_psd(tmp_path / "stray.psd", tmp_path / "out")
    rows = {row["layer"]: (row["action"], row["detail"]) for row in done.report["layers"]}
    assert rows["Stray"] == ("skipped", "outside every artboard")
