"""Template data written as YAML a designer can read (artpipe/psdimport/dump.py)."""

from __future__ import annotations

from pathlib import Path

from artpipe.layers.template import load_template
from artpipe.psdimport.dump import template_yaml


def test_the_yaml_names_its_source_keeps_key_order_and_reads_back_as_a_template(tmp_path: Path) -> None:
    box = {"left": "5%", "top": "10%", "width": "50%", "height": "20%"}
    data = {"name": "spring", "sizes": {"design": "600x300"},
            "layers": [{"name": "headline", "type": "text", "text": "春季 Sale", "box": box},
                       {"name": "note", "type": "text", "text": "Free", "box": box}]}  # the same box object twice
    text = template_yaml(data, "spring.psd")
    lines = text.splitlines()
    assert lines[0] == "# Imported from spring.psd by artpipe templates import; see import-report.json."
    assert [line.split(":")[0] for line in lines[1:4]] == ["name", "sizes", "layers"]  # in the order given
    assert "春季 Sale" in text  # written as it reads, not escaped
    assert "&" not in text  # no anchors or aliases: the loader refuses them
    assert "*" not in text
    assert "box: {left: 5%, top: 10%, width: 50%, height: 20%}" in text  # a leaf mapping on one line
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    template = load_template(tmp_path / "t.yaml")
    assert [layer.name for layer in template.layers["design"]] == ["headline", "note"]
