"""`lbdoctor` starts fast: help and bad input load no heavy library, the playbook comes compiled
from the cache (a damaged cache file is compiled again), and a case waits in a journal that the
store records when it is next opened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.app import App
from knowledge.cache import compile_playbook, load_compiled
from knowledge.engine import Engine
from knowledge.playbook import Playbook
from knowledge.settings import Settings

from .conftest import DATA
from .test_cli import FULL

HEAVY = ["sqlalchemy", "jinja2", "jsonschema", "kubernetes_validate", "httpx", "sklearn", "numpy"]
# Runs the CLI in a fresh interpreter and reports its exit code and the heavy modules it loaded.
PROBE = """
import json, sys
from frontends.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
sys.stderr.write("\\nPROBE " + json.dumps({{"code": code, "heavy": heavy}}) + "\\n")
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LBDOCTOR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "LBDOCTOR_CACHE_DIR": str(tmp_path / "cache"),
    }


def probe(args: list[str], env: dict[str, str]) -> tuple[int, list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    line = done.stderr.rsplit("PROBE ", 1)[-1]
    result = json.loads(line)
    return result["code"], result["heavy"], done.stdout


def test_help_loads_nothing_heavy(env: dict[str, str]) -> None:
    code, heavy, out = probe(["--help"], env)
    assert code == 0 and "diagnose" in out
    assert heavy == []


def test_a_rejected_fact_loads_nothing_heavy(env: dict[str, str]) -> None:
    probe(["diagnose", *FULL], env)  # compiles the playbook into the cache
    code, heavy, _ = probe(["diagnose", "proxy_mode=nftables"], env)
    assert code == 2
    assert heavy == []


def test_a_question_or_a_verdict_without_fixes_needs_no_store_nor_templates(
    env: dict[str, str],
) -> None:
    probe(["diagnose", *FULL], env)
    code, heavy, out = probe(["diagnose", "--json", "client_location=outside-cluster"], env)
    assert code == 0 and json.loads(out)["verdict"] == "out-of-scope"
    assert heavy == []
    code, heavy, out = probe(["diagnose", "--json", "service_type=nodeport"], env)
    assert code == 0 and json.loads(out)["next_question"] is not None
    # Choosing a question counts cells with numpy; still no store, templates or schemas.
    assert heavy == ["numpy"]


def test_a_case_waits_in_the_journal_until_the_store_opens(env: dict[str, str]) -> None:
    code, heavy, _ = probe(["diagnose", "--json", *FULL], env)
    assert code == 0 and "sqlalchemy" not in heavy
    probe(["diagnose", "--json", "--no-record", *FULL], env)
    settings = Settings.from_env(env)
    app = App.open_local(settings)
    (waiting,), files = app.journal.take()
    # Taken but not recorded, as a process that stopped halfway leaves it: the next opening
    # of the store records it.
    assert waiting["verdict"] == "fails" and waiting["channel"] == "cli" and len(files) == 1
    app = App.open(settings)
    from knowledge.store import list_cases

    with app.store.session() as session:
        (case,) = list_cases(session)
    app.close()
    assert (case.id, case.verdict, case.fixes) == (
        waiting["id"],
        "fails",
        ["use-cluster-ip", "set-external-traffic-policy-cluster"],
    )
    assert not list(Path(files[0]).parent.glob("*.taken"))


def test_the_compiled_playbook_comes_from_the_cache(tmp_path: Path, playbook: Playbook) -> None:
    cache = tmp_path / "cache"
    first, compiled = load_compiled(None, cache)
    (file,) = (cache / "playbooks").iterdir()
    again, compiled_again = load_compiled(None, cache)
    assert again.digest == first.digest == playbook.digest
    assert compiled_again.boxes({}).labels == compiled.boxes({}).labels
    assert again is not first  # read back from the file, not rebuilt from the text
    # The never-asked facts still select their rules and fixes in the engine read back.
    for context in (
        {},
        {"pass_through": "enabled"},
        {"ip_mode": "Proxy", "cluster_version": "v1.31"},
    ):
        for facts in [dict(context), {**context, **dict(pair.split("=") for pair in FULL)}]:
            assert Engine(again, compiled_again).diagnose(facts) == Engine(first).diagnose(facts)
    assert (file.stat().st_mode & 0o077, file.parent.stat().st_mode & 0o077) == (0, 0)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-10],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit changed
        lambda data: b"not a cache file",
    ],
    ids=["truncated", "flipped-bit", "foreign"],
)
def test_a_damaged_cache_file_is_compiled_again(tmp_path: Path, damage: object) -> None:
    cache = tmp_path / "cache"
    load_compiled(None, cache)
    (file,) = (cache / "playbooks").iterdir()
    good = file.read_bytes()
    file.write_bytes(damage(good))  # type: ignore[operator]
    playbook, compiled = load_compiled(None, cache)
    assert compiled.boxes({}).count > 0 and playbook.id == "elb-in-cluster-access"
    assert file.read_bytes()[:64] == good[:64] and len(file.read_bytes()) == len(good)


def test_a_cache_file_others_may_write_is_not_read(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_compiled(None, cache)
    (file,) = (cache / "playbooks").iterdir()
    file.chmod(0o666)
    first = file.stat().st_mtime_ns
    load_compiled(None, cache)
    # Not trusted: compiled again and written afresh, private.
    assert file.stat().st_mode & 0o077 == 0 and file.stat().st_mtime_ns >= first


def test_a_different_text_is_a_different_cache_entry(tmp_path: Path, playbook: Playbook) -> None:
    cache = tmp_path / "cache"
    compile_playbook(playbook.text, "a", cache)
    edited = playbook.text.replace("Possível causa", "Possível causa (editada)", 1)
    other, _ = compile_playbook(edited, "b", cache)
    assert other.text == edited and len(list((cache / "playbooks").iterdir())) == 2


def test_diagnose_uses_the_playbook_the_store_last_published(
    tmp_path: Path, playbook: Playbook
) -> None:
    from knowledge.playbook import parse_playbook
    from knowledge.store import Store, publish_playbook

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", cache_dir=tmp_path)
    App.open(settings).close()
    assert App.open_local(settings).doctor.playbook.digest == playbook.digest
    edited = parse_playbook(playbook.text.replace("Possível causa", "Possível causa (v2)", 1))
    store = Store.open(settings.database_url)
    with store.session() as session:
        publish_playbook(session, edited)
    store.close()
    App.open(settings).close()
    assert App.open_local(settings).doctor.playbook.digest == edited.digest


def test_the_service_file_and_manifest_still_come_out(env: dict[str, str]) -> None:
    code, _, out = probe(
        ["diagnose", "--json", "--service-file", str(DATA / "svc-dedicated-local.yaml"), *FULL],
        env,
    )
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "fails"
    assert all(
        fix["manifest"].startswith("#") or "apiVersion" in fix["manifest"]
        for fix in report["fixes"]
    )


def test_the_same_service_again_needs_no_template_engine(env: dict[str, str]) -> None:
    args = ["diagnose", "--json", "--service-file", str(DATA / "svc-dedicated-local.yaml"), *FULL]
    code, heavy, first = probe(args, env)
    assert code == 0 and "jinja2" in heavy
    code, heavy, again = probe(args, env)
    # The fixes rendered and checked the first time come back from the cache folder, unchanged.
    assert code == 0 and "jinja2" not in heavy and "jsonschema" not in heavy
    assert json.loads(again) == json.loads(first)
    # Another language is another manifest (its comments are in that language).
    code, heavy, portuguese = probe([*args, "--lang", "pt"], env)
    assert "jinja2" in heavy and json.loads(portuguese)["fixes"][0]["manifest"].startswith(
        "# Correção"
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[:-5]),  # truncated
        lambda path: path.write_bytes(path.read_bytes().replace(b"nginx", b"evil!")),  # edited
        lambda path: path.chmod(0o666),  # others may write it
    ],
    ids=["truncated", "edited", "not-private"],
)
def test_a_remembered_manifest_not_to_be_trusted_is_rendered_again(
    env: dict[str, str], damage: object
) -> None:
    args = ["diagnose", "--json", "--service-file", str(DATA / "svc-dedicated-local.yaml"), *FULL]
    _, _, first = probe(args, env)
    remembered = sorted((Path(env["LBDOCTOR_CACHE_DIR"]) / "manifests").iterdir())
    assert remembered
    for path in remembered:
        damage(path)  # type: ignore[operator]
    code, heavy, again = probe(args, env)
    assert code == 0 and "jinja2" in heavy and json.loads(again) == json.loads(first)


def test_a_server_keeps_no_users_service_in_its_cache(tmp_path: Path) -> None:
    # The action server and the API open the app with the store: their cache folder must not
    # collect every user's Service (privacy, disk), as the command line's own folder may.
    from knowledge.intake.service import parse_service

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", cache_dir=tmp_path)
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    facts = dict(pair.split("=", 1) for pair in FULL)
    app = App.open(settings)
    try:
        assert app.diagnose(facts, "en", service, record=False)["fixes"]
    finally:
        app.close()
    assert not (tmp_path / "manifests").exists()
    local = App.open_local(settings)
    assert local.diagnose(facts, "en", service, record=False)["fixes"]
    assert any((tmp_path / "manifests").iterdir())
