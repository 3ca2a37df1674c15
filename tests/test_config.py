"""The workspace file (config.py): its folders, routes and settings read, every problem one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from inboxcase import workspace

from artpipe.config import load_workspace
from artpipe.errors import ConfigError


def test_a_broken_config_is_reported(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "artpipe.yaml").write_text("folders: {inbox: ../elsewhere}\nroutes: []\n")
    with pytest.raises(ConfigError, match="'../elsewhere' leads outside the workspace"):
        load_workspace(root)
