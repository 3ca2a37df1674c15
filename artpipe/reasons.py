"""Two closed vocabularies of the report, each member with its words: why an input was refused or an output not
made (``Reason``), and what a result warns about (``WarningKind``, carried as a ``Note``: a kind plus what was
measured, and which other picture of the product it is about).

Code makes and reads these values; only ``Note.token`` and ``Note.parse`` know how a warning is spelt in
report.json (``logo:low_resolution:520x140<800``), and ``words`` how a person reads it. Both spellings are part of
the report contract: extend, never rename. To add a warning kind, add its member and its words here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Reason(StrEnum):
    """Why an input was rejected (the first seven), its output could not be made (``failed``: the next three), or,
    in the inbox, a dropped file could not be taken up (``config``, ``route``: the last two)."""

    EMPTY = "empty"
    CORRUPT = "corrupt"
    TRUNCATED = "truncated"
    BOMB = "bomb"
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"
    MISSING = "missing"
    RENDER = "render"
    BUDGET = "budget"
    WRITE = "write"
    CONFIG = "config"
    ROUTE = "route"

    @property
    def rejects(self) -> bool:
        """Whether the input itself could not be used (rather than an output of a good input, or a file the inbox
        could not take up)."""
        return not (self.fails or self.inbox)

    @property
    def fails(self) -> bool:
        """Whether a good input's output could not be made (a ``failed`` result)."""
        return self in (Reason.RENDER, Reason.BUDGET, Reason.WRITE)

    @property
    def inbox(self) -> bool:
        """Whether only the inbox gives it: the files beside a dropped photo are wrong, or no route takes it."""
        return self in (Reason.CONFIG, Reason.ROUTE)


REASON_WORDS: dict[Reason, str] = {  # as docs/cli.md says them
    Reason.EMPTY: "a zero-byte file",
    Reason.CORRUPT: "the image data is damaged",
    Reason.TRUNCATED: "the file is cut short (an unfinished copy or download)",
    Reason.BOMB: "a tiny file claiming a huge pixel size (decompression bomb); not decoded",
    Reason.TOO_LARGE: "over the pixel or byte limit",
    Reason.UNSUPPORTED: "not an image format artpipe reads",
    Reason.MISSING: "the file named does not exist or cannot be read",
    Reason.RENDER: "a template could not be rendered with its fields",
    Reason.BUDGET: "the byte budget cannot be met",
    Reason.WRITE: "the output could not be written",
    Reason.CONFIG: "a merchant file, sidecar or request beside the photo is wrong",
    Reason.ROUTE: "no route of the workspace takes the file",
}
REJECT_REASONS: tuple[str, ...] = tuple(r.value for r in Reason if r.rejects)


class WarningKind(StrEnum):
    """What a result warns about. The value of a ``Note`` says what was measured or where."""

    LOW_RESOLUTION = "low_resolution"  # 360x360<800
    UPSCALED = "upscaled"  # product@large:x2.6
    BLURRY = "blurry"  # edge_9<14
    DARK = "dark"  # mean_31<40
    CMYK_CONVERTED = "cmyk_converted"
    PROFILE_CONVERTED = "profile_converted"
    PROFILE_INVALID = "profile_invalid"
    EXIF_INVALID = "exif_invalid"
    MULTI_FRAME = "multi_frame"
    ALPHA_FLATTENED = "alpha_flattened"
    PRODUCT_CROPPED = "product_cropped"  # top+left
    SCENE_PHOTO = "scene_photo"
    NO_SUBJECT = "no_subject"
    UNCERTAIN_CUTOUT = "uncertain_cutout"
    TEXT_TRUNCATED = "text_truncated"  # headline@mobile
    TEXT_CLIPPED = "text_clipped"  # headline@wide
    DROPPED = "dropped"  # headline@jd.main
    SMALLER = "smaller"  # tmall.white_bg:800x800
    PADDED = "padded"  # 1200 (bytes of padding)
    CHECK_FAILED = "check_failed"  # jd.main:edge_margin

    @property
    def words(self) -> str:
        return WARNING_WORDS[self]


WARNING_WORDS: dict[WarningKind, str] = {
    WarningKind.LOW_RESOLUTION: "the picture is small, so it may look soft",
    WarningKind.UPSCALED: "the photo was enlarged",
    WarningKind.BLURRY: "the photo looks blurry",
    WarningKind.DARK: "the photo is very dark",
    WarningKind.CMYK_CONVERTED: "colours were converted from print (CMYK)",
    WarningKind.PROFILE_CONVERTED: "colours were converted to sRGB",
    WarningKind.PROFILE_INVALID: "the photo's colour profile could not be read and was ignored",
    WarningKind.EXIF_INVALID: "the photo's orientation could not be read; it was taken as upright",
    WarningKind.MULTI_FRAME: "the file holds several frames or pages; the first was used",
    WarningKind.ALPHA_FLATTENED: "transparency was flattened onto white",
    WarningKind.PRODUCT_CROPPED: "the product touches the photo's edge",
    WarningKind.SCENE_PHOTO: "the product could not be cut out",
    WarningKind.NO_SUBJECT: "no product was found in the photo",
    WarningKind.UNCERTAIN_CUTOUT: "the product could not be cut out reliably",
    WarningKind.TEXT_TRUNCATED: "a text was too long and was shortened with …",
    WarningKind.TEXT_CLIPPED: "a letter was cut at its edge",
    WarningKind.DROPPED: "a text or badge this marketplace forbids was left out",
    WarningKind.SMALLER: "rendered smaller to stay sharp",
    WarningKind.PADDED: "padded with comments to the platform's minimum file size",
    WarningKind.CHECK_FAILED: "the image fails a marketplace rule (see its checks)",
}
# Kinds whose value names a place (a layer, a rule) rather than a measure: people are not shown it.
_PLACE_ONLY = frozenset({WarningKind.CHECK_FAILED, WarningKind.DROPPED, WarningKind.TEXT_TRUNCATED,
                         WarningKind.TEXT_CLIPPED})


@dataclass(frozen=True)
class Note:
    """One warning: its kind, what was measured or where (``value``), and the field of the product's other
    picture it is about (``about``, empty for the product's own photo and for outputs)."""

    kind: WarningKind
    value: str = ""
    about: str = ""

    @property
    def token(self) -> str:
        """As report.json spells it: ``[about:]kind[:value]``."""
        return ":".join(part for part in (self.about, self.kind.value) if part) + (f":{self.value}" if self.value
                                                                                   else "")

    def __str__(self) -> str:
        return self.token

    def of(self, field: str) -> Note:
        """The note as it concerns the product's picture ``field`` (a logo, a second photo)."""
        return replace(self, about=field)

    @property
    def words(self) -> str:
        """In plain language: ``the logo: the picture is small, so it may look soft (520x140<800)``."""
        said = self.kind.words + (f" ({self.value})" if self.value and self.kind not in _PLACE_ONLY else "")
        return f"the {self.about.replace('_', ' ')}: {said}" if self.about else said

    @classmethod
    def parse(cls, token: str) -> Note:
        """A note from its report spelling; ValueError for a kind this version does not know."""
        head, _, rest = token.partition(":")
        if head in _KINDS:
            return cls(WarningKind(head), rest)
        if rest:
            inner = cls.parse(rest)
            if not inner.about:
                return inner.of(head)
        msg = f"not a warning artpipe knows: {token!r}"
        raise ValueError(msg)


_KINDS = frozenset(k.value for k in WarningKind)


def tokens(notes: tuple[Note, ...] | list[Note]) -> list[str]:
    """Notes as report.json lists them."""
    return [n.token for n in notes]


def notes(tokens: list[str] | tuple[str, ...]) -> tuple[Note, ...]:
    """Notes read back from report.json spellings (a record, a cache); an unknown kind is left out."""
    out = []
    for token in tokens:
        try:
            out.append(Note.parse(str(token)))
        except ValueError:
            continue
    return tuple(out)


def words(token: str) -> str:
    """A report warning in plain language; one this version does not know, as its words spelt out."""
    try:
        return Note.parse(token).words
    except ValueError:
        return token.replace("_", " ")
