"""The template workbench without the web (artpipe/workbench/bench.py): the text checked with line and column, every
size rendered with misfits marked, boxes moved by dragging, saving into the workspace only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from artpipe.errors import ConfigError
from artpipe.layers.template import load_template
from artpipe.template.layout import resolve_box
from artpipe.workbench import bench as wb
from artpipe.workbench.samples import sample_for


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    a, b = before.splitlines(), after.splitlines()
    return [x for x in a if x not in b], [x for x in b if x not in a]


def test_a_box_pinned_right_stays_pinned_right_after_a_drag(root: Path) -> None:
    ref = bundled(root)
    text = ref.file.read_text(encoding="utf-8")
    edited = wb.move_box(ref, text, "x", "wide", "product", (700, 60, 600, 480))
    moved = yaml.safe_load(edited)["overrides"]["wide"]["product"]["box"]
    assert set(moved) == {"right", "width", "top", "bottom"}  # as the layer's own box: right, width, top, bottom
    t = load_template(ref.file, text=edited)
    size = t.size("wide")
    r = resolve_box(next(lay for lay in t.layers["wide"] if lay.name == "product").box, size.width, size.height)
    assert (r.x, r.y, r.w, r.h) == (700, 60, 600, 480)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "ws"


def bundled(root: Path, name: str = "promo-banner") -> wb.TemplateRef:
    return wb.find_ref(root, f"bundled:{name}")


def test_every_size_rendered_with_boxes_and_misfits_marked(root: Path) -> None:
    ref = bundled(root)
    t = load_template(ref.file)
    text = ref.file.read_text(encoding="utf-8")
    fine = wb.check(ref, text, "x", sample_for(t.fields, "example", "example"))
    assert not fine.problems
    assert [s.name for s in fine.sizes] == ["wide", "mobile", "square"]
    assert all(not v.note for s in fine.sizes for v in s.layers)
    long = wb.check(ref, text, "x", sample_for(t.fields, "white", "long-chinese"))
    mobile = next(s for s in long.sizes if s.name == "mobile")
    notes = {v.name: v.note for v in mobile.layers if v.note}
    assert "text does not fit" in notes["headline"]
    assert "ellipsis" in notes["subline"]
    image = Image.open(io.BytesIO(mobile.png)).convert("RGB")
    assert image.size == (round(750 * mobile.scale), round(390 * mobile.scale))
    head = next(v for v in mobile.layers if v.name == "headline")
    # the misfit's box is outlined in the mark's red at its left edge, half way down
    px = image.getpixel((int((head.x + 1) * mobile.scale), int((head.y + head.h / 2) * mobile.scale)))
    assert px[0] > 150
    assert px[1] < 60
    assert px[2] < 80


def test_problems_have_lines_and_columns(root: Path) -> None:
    ref = bundled(root)
    text = ref.file.read_text(encoding="utf-8").replace("fit: contain", "fit: contian", 1)
    checked = wb.check(ref, text, "promo-banner/template.yaml", sample_for({}, "example", "example"))
    assert [str(p) for p in checked.problems] == ["promo-banner/template.yaml:32:10: layers[1] (product).fit: "
                                                  "'contian' is not one of contain, cover, fill (did you mean "
                                                  "contain?)"]
    assert not checked.sizes


def test_a_bundled_template_is_saved_as_a_workspace_copy_never_over_itself(root: Path) -> None:
    ref = bundled(root)
    original = ref.file.read_text(encoding="utf-8")
    text = original.replace("max_lines: 2", "max_lines: 3", 1)
    with pytest.raises(ConfigError):
        wb.save(root, ref, "name: x\nsizes: []\n", "x", "mine")
    saved = wb.save(root, ref, text, "x", "mine")
    assert saved == wb.TemplateRef("mine", root / "templates" / "mine" / "template.yaml", False)
    assert saved.file.read_text(encoding="utf-8") == text
    assert ref.file.read_text(encoding="utf-8") == original
    with pytest.raises(wb.WorkbenchError, match="has a template 'mine' already"):
        wb.save(root, ref, text, "x", "mine")
    for bad in ("../out", "a/b", "..", ".hidden", "x" * 65, "名字", "a b"):
        with pytest.raises(wb.WorkbenchError, match="cannot name a template"):
            wb.save(root, ref, text, "x", bad)
    assert sorted(p.name for p in (root / "templates").iterdir()) == ["mine"]
    assert wb.list_templates(root)[0] == saved


def test_the_workspace_cannot_be_artpipes_own_templates_folder(root: Path) -> None:
    ref = bundled(root)
    checkout = wb.bundled_dir().parent  # a studio run on a source checkout: its templates/ is the bundled one
    with pytest.raises(wb.WorkbenchError, match="artpipe's own templates folder"):
        wb.save(checkout, ref, ref.file.read_text(encoding="utf-8"), "x", "fresh-name")


def test_move_box_writes_the_size_override(root: Path) -> None:
    ref = bundled(root)
    text = ref.file.read_text(encoding="utf-8")
    edited = wb.move_box(ref, text, "x", "mobile", "headline", (30, 40, 300, 120))
    t = load_template(ref.file, text=edited)
    r = resolve_box(next(lay for lay in t.layers["mobile"] if lay.name == "headline").box, 750, 390)
    assert (r.x, r.y, r.w, r.h) == (30, 40, 300, 120)
    gone, added = changed_lines(text, edited)
    assert gone == []
    assert added == ["  mobile:", "    headline: {box: {left: 4%, top: 10.26%, width: 40%, "
                                    "height: 30.77%}}"]
    badge = wb.move_box(ref, text, "x", "square", "badge", (500, 200, 150, 150))
    # stays round, and pinned to the right as the bundled template has it
    assert "badge: {box: {right: 18.75%, top: 25%, height: 18.75%, aspect: 1}" in badge
    with pytest.raises(ConfigError, match="no layer 'nope'"):
        wb.move_box(ref, text, "x", "mobile", "nope", (0, 0, 1, 1))


def test_the_workbench_logic_has_no_web_framework_in_it() -> None:
    import ast

    for path in Path(wb.__file__).parent.glob("*.py"):
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
            {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in imported if m.split(".")[0] in ("starlette", "jinja2", "anyio", "uvicorn")}, name


def test_a_box_dragged_over_the_product_is_marked_on_that_layer(root: Path) -> None:
    ref = bundled(root)
    t = load_template(ref.file)
    text = ref.file.read_text(encoding="utf-8")
    sample = sample_for(t.fields, "example", "example")
    before = {v.name: v.covers for s in wb.check(ref, text, "x", sample).sizes if s.name == "wide" for v in s.layers}
    assert not any(before.values())
    product = next(v for s in wb.check(ref, text, "x", sample).sizes if s.name == "wide" for v in s.layers
                   if v.name == "product")
    moved = wb.move_box(ref, text, "x", "wide", "headline", (product.x, product.y, product.w // 2, product.h // 2))
    after = {v.name: v.covers for s in wb.check(ref, moved, "x", sample).sizes if s.name == "wide"
             for v in s.layers}
    assert after["headline"] == "covers 25% of the product slot 'product'"
    # the round badge sits over the product's corner: the headline moved there is under it now
    assert after["badge"].startswith("covers ")
    assert after["badge"].endswith("% of the text 'headline'")
    assert [name for name, said in after.items() if said] == ["headline", "badge"]
