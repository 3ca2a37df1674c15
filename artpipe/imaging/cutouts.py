"""How product photos are cut out: the one list of modes that jobs, workspaces, routes, presets, image layers and
the command line accept (each reads its ``cutout`` against it)."""

from __future__ import annotations

from enum import StrEnum


class Cutout(StrEnum):
    """A cutout mode, as files and the command line spell it."""

    AUTO = "auto"  # a plain light backdrop by colour, anything else by the segmentation model
    MODEL = "model"  # always the model
    NEVER = "never"  # the photo as it is


MODES: tuple[str, ...] = tuple(m.value for m in Cutout)  # for readers' choices and messages: auto, model, never
