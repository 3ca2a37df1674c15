"""Which layer covers a product slot or a text (artpipe/workbench/overlap.py)."""

from __future__ import annotations

import pytest

from artpipe.template.model import Rect
from artpipe.workbench.overlap import Boxed, covering


@pytest.mark.parametrize(("layers", "expected"), [
    # a badge over a quarter of the product, a band under the headline, a price over the headline's corner
    ([("product", "image", "product", (0, 0, 100, 100)), ("badge", "shape", "promo", (50, 50, 50, 50))],
     {"badge": "covers 25% of the product slot 'product'"}),
    ([("band", "shape", "decoration", (0, 0, 100, 40)), ("headline", "text", "promo", (0, 0, 100, 40))], {}),
    ([("headline", "text", "promo", (0, 0, 100, 40)), ("price", "price", "price", (90, 30, 40, 40))], {}),
    ([("headline", "text", "promo", (0, 0, 100, 40)), ("price", "price", "price", (80, 20, 40, 40))],
     {"price": "covers 10% of the text 'headline'"}),
    ([("logo", "image", "logo", (0, 0, 10, 10)), ("headline", "text", "promo", (0, 0, 100, 40))], {}),
    ([("headline", "text", "promo", (0, 0, 100, 40)), ("product", "image", "product", (0, 0, 200, 200)),
      ("sticker", "image", "promo", (0, 0, 100, 100))],
     {"product": "covers 100% of the text 'headline'",
      "sticker": "covers 100% of the text 'headline'; covers 25% of the product slot 'product'"}),
])
def test_a_layer_over_a_product_slot_or_a_text_is_said(layers: list[tuple[str, str, str, tuple[int, int, int, int]]],
                                                       expected: dict[str, str]) -> None:
    boxed = [Boxed(name, kind, role, Rect(*box)) for name, kind, role, box in layers]
    assert covering(boxed, 0.1) == expected
