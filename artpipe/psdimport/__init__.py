"""A designer's layered Photoshop file (PSD or PSB) turned into a template folder.

    open_psd (read.py: limits, classified rejects) -> walk (walk.py: layers -> typed pieces, notes)
    -> build (build.py: pieces -> template data, art pictures, the import report)

Only folder.py writes: ``import_psd`` writes the folder through ``artpipe.files``.
"""

from __future__ import annotations

from artpipe.psdimport.build import Imported, build_template
from artpipe.psdimport.read import open_psd

__all__ = ["Imported", "build_template", "open_psd"]
