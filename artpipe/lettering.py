"""How text is lettered, as a job or a workspace says it: ``lang`` (the language whose glyph forms Han characters
take, where a text layer does not say) and ``system_fonts`` (whether the machine's own fonts may draw what no
bundled font has: off by default, so output does not depend on the machine)."""

from __future__ import annotations

from dataclasses import dataclass

from artpipe.schema import Reader
from artpipe.text.scripts import LANG_TAG


@dataclass(frozen=True)
class Lettering:
    lang: str | None = None
    system_fonts: bool = False


def read_lettering(reader: Reader, default: Lettering) -> Lettering:
    """The ``lang`` and ``system_fonts`` keys of ``reader`` over ``default``."""
    lang = reader.text("lang", None) if reader.has("lang") else default.lang
    if lang is not None and not LANG_TAG.fullmatch(str(lang)):
        reader.problem("lang", f"'{lang}' is not a language tag", "write it like zh-Hans, zh-Hant, ja or ko")
        lang = default.lang
    system = reader.flag("system_fonts", default.system_fonts)
    return Lettering(lang, bool(system))
