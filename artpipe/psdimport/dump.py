"""Template data as YAML text a designer can read and edit (no anchors: the loader refuses them)."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def template_yaml(template: dict[str, Any], source: str) -> str:
    """``template`` as YAML, leaf mappings (boxes, fonts) on one line, with a first line naming its source."""
    body = yaml.dump(template, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None,
                     width=118)
    return f"# Imported from {source} by artpipe templates import; see import-report.json.\n{body}"
