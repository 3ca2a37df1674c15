"""Photoshop vector shapes (artpipe/psdimport/shapes.py) become shape layers."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from psd_tools import PSDImage
from test_psdimport_build import MAX_MEAN_LEVELS, add_shape, boxes, composite, mean_outside

from artpipe.api import import_psd, preview_template
from artpipe.layers.template import load_template


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
