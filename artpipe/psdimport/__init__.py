"""A designer's layered Photoshop file (PSD or PSB) turned into a template folder.

    open_psd (read.py: limits, classified rejects) -> walk (walk.py: layers -> typed pieces, notes)
    -> build (build.py: pieces -> template data, art pictures, the import report)

Only folder.py writes: ``import_psd`` writes the folder through ``artpipe.files``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from artpipe.psdimport.build import Imported, build_template
    from artpipe.psdimport.read import open_psd

__all__ = ["Imported", "build_template", "open_psd"]

# Imported when first used: psd_tools (~6 MB resident) is then loaded only by a process that imports a PSD,
# not by every one that imports the API (a worker rendering main images, the inbox, the studio).
_WHERE = {"Imported": "artpipe.psdimport.build", "build_template": "artpipe.psdimport.build",
          "open_psd": "artpipe.psdimport.read"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
