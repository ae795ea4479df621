"""Installing a written held-out set: training texts and repeats dropped, the rest kept exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.playbook import load_playbook
from knowledge.understanding.phrasings import phrasings

from .install_heldout import install


def test_training_texts_and_repeats_are_dropped_and_the_rest_kept_exactly(tmp_path: Path) -> None:
    trained = phrasings(load_playbook(), "proxy_mode")[0][0]
    kept = {"asked": "proxy_mode", "lang": "pt", "kind": "paste", "gold": None,
            "text": 'modo: "ipvs"\\ \x85 ñ 🤷\u200d♀️\nfim'}  # fmt: skip
    entries = [
        kept,
        {**kept, "text": kept["text"].upper()},  # the same after normalising
        {**kept, "text": f"  {trained.upper()}!"},
    ]
    source, target = tmp_path / "new.yaml", tmp_path / "answers_heldout.yaml"
    source.write_text(yaml.safe_dump({"answers": entries}, allow_unicode=True))
    counts = install(source, "vT", target)
    assert counts == {"written": 3, "trained": 1, "repeated": 1, "kept": 1}
    assert yaml.safe_load(target.read_text())["answers"] == [kept]


def test_an_entry_without_the_five_keys_installs_nothing(tmp_path: Path) -> None:
    source, target = tmp_path / "new.yaml", tmp_path / "answers_heldout.yaml"
    source.write_text(yaml.safe_dump({"answers": [{"asked": "proxy_mode", "text": "ipvs"}]}))
    with pytest.raises(SystemExit):
        install(source, "vT", target)
    assert not target.exists()
