"""Moving a layer's box in a template's text (artpipe/workbench/boxedit.py): into the size's override, every other
byte kept, in percentages that resolve back to the pixels, pinned to the edges it was pinned to."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from artpipe.errors import ConfigError
from artpipe.layers.template import load_template
from artpipe.template.layout import resolve_box
from artpipe.workbench.boxedit import BoxEditError, PercentBox, Pin, percent_box, set_box

BOX = PercentBox(10, 20, 30, 40)


FLOW = "{left: 10%, top: 20%, width: 30%, height: 40%}"


TEMPLATE = """\
# a banner (comments must survive every edit)
name: t   # the name
sizes:
  wide: {width: 1000, height: 400}
  square: {width: 500, height: 500}
fields:
  headline: {type: text, example: Hello}
layers:
  - name: headline
    type: text
    text: $headline
    box:            # where the words go
      left: 5%
      top: 10%      # below the logo
      width: 50%
      height: 30%
"""


@pytest.mark.parametrize(("overrides", "expected"), [
    ("", "overrides:\n  square:\n    headline: {box: " + FLOW + "}\n"),
    ("overrides:\n  # per size\n  wide:\n    headline: {font: {size: 9}}\n",
     "overrides:\n  # per size\n  square:\n    headline: {box: " + FLOW + "}\n"
     "  wide:\n    headline: {font: {size: 9}}\n"),
    ("overrides:\n  square:\n    headline: {font: {size: 9}}  # small\n",
     "overrides:\n  square:\n    headline: {box: " + FLOW + ", font: {size: 9}}  # small\n"),
    ("overrides:\n  square:\n    headline: {box: {right: 1%, top: 2%, height: 3%, aspect: 1}}  # round\n",
     "overrides:\n  square:\n    headline: {box: " + FLOW + "}  # round\n"),
    ("overrides:\n  square:\n    headline:\n      # the box\n      box:\n        left: 1%\n        top: 1%\n"
     "        width: 1%\n        height: 1%\n      font: {size: 9}\n",
     "overrides:\n  square:\n    headline:\n      # the box\n      box: " + FLOW + "\n      font: {size: 9}\n"),
    ("overrides:\n  square:\n    headline:\n      font: {size: 9}  # keep\n",
     "overrides:\n  square:\n    headline:\n      box: " + FLOW + "\n      font: {size: 9}  # keep\n"),
    ("overrides: {square: {headline: {font: {size: 9}}}}\n",
     "overrides: {square: {headline: {box: " + FLOW + ", font: {size: 9}}}}\n"),
])
def test_a_box_goes_into_the_sizes_override_and_every_other_byte_stays(overrides: str, expected: str) -> None:
    edited = set_box(TEMPLATE + overrides, "square", "headline", BOX)
    assert edited == TEMPLATE + expected
    assert yaml.safe_load(edited)["overrides"]["square"]["headline"]["box"] == \
        {"left": "10%", "top": "20%", "width": "30%", "height": "40%"}


def test_an_override_that_is_not_a_mapping_is_said() -> None:
    with pytest.raises(BoxEditError, match=r"overrides.square is not a mapping"):
        set_box(TEMPLATE + "overrides:\n  square: [1]\n", "square", "headline", BOX)


def test_names_that_yaml_would_read_otherwise_are_quoted() -> None:
    edited = set_box("name: t\n", "800", "on", BOX)
    assert edited.endswith('overrides:\n  "800":\n    "on": {box: ' + FLOW + "}\n")
    assert "800" in yaml.safe_load(edited)["overrides"]


def test_percent_resolves_back_to_the_pixels() -> None:
    for x, y, w, h in ((0, 0, 1920, 600), (37, 101, 333, 77), (1511, 9, 401, 590)):
        box = percent_box(x, y, w, h, 1920, 600)
        text = set_box(TEMPLATE.replace("1000, height: 400", "1920, height: 600"), "wide", "headline", box)
        t = load_template(Path("t.yaml"), text=text)
        r = resolve_box(t.layers["wide"][0].box, 1920, 600)
        assert (r.x, r.y, r.w, r.h) == (x, y, w, h)
    assert percent_box(0, 0, 10, 10, 100, 100, 1.0).flow() == "{left: 0%, top: 0%, height: 10%, aspect: 1}"


@pytest.mark.parametrize(("across", "down", "flow"), [
    (Pin.START, Pin.START, "{left: 10%, top: 20%, width: 30%, height: 40%}"),
    (Pin.END, Pin.START, "{right: 60%, top: 20%, width: 30%, height: 40%}"),
    (Pin.START, Pin.END, "{left: 10%, bottom: 40%, width: 30%, height: 40%}"),
    (Pin.BOTH, Pin.BOTH, "{left: 10%, right: 60%, top: 20%, bottom: 40%}"),
])
def test_a_box_keeps_the_edges_it_was_pinned_to(across: Pin, down: Pin, flow: str) -> None:
    assert PercentBox(10, 20, 30, 40, None, across, down).flow() == flow


@pytest.mark.parametrize("pins", [(Pin.END, Pin.START), (Pin.START, Pin.END), (Pin.BOTH, Pin.BOTH),
                                  (Pin.END, Pin.END)])
def test_a_pinned_box_resolves_back_to_the_pixels(pins: tuple[Pin, Pin]) -> None:
    for x, y, w, h in ((0, 0, 1920, 600), (37, 101, 333, 77), (1511, 9, 401, 590), (3, 7, 1911, 13)):
        box = percent_box(x, y, w, h, 1920, 600, None, *pins)
        text = set_box(TEMPLATE.replace("1000, height: 400", "1920, height: 600"), "wide", "headline", box)
        t = load_template(Path("t.yaml"), text=text)
        r = resolve_box(t.layers["wide"][0].box, 1920, 600)
        assert (r.x, r.y, r.w, r.h) == (x, y, w, h), (pins, box.flow())


def test_aliases_are_refused_before_compose() -> None:
    with pytest.raises(ConfigError, match="anchors and aliases"):
        set_box("a: &x [1]\nb: *x\n", "s", "l", BOX)
