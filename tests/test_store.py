"""The store on real SQLite and real PostgreSQL: playbook versions, cases and feedback."""

from __future__ import annotations

import pytest

from knowledge.app import App
from knowledge.errors import StoreError
from knowledge.playbook import Playbook, parse_playbook
from knowledge.settings import Settings
from knowledge.store import (
    Store,
    add_feedback,
    feedback_for,
    latest_playbook,
    list_cases,
    list_playbooks,
    publish_playbook,
    record_case,
)


def changed(playbook: Playbook) -> Playbook:
    return parse_playbook(
        playbook.text.replace("O acesso falhou", "O acesso falhou.") + "\n# edited\n"
    )


def test_publishing_versions_playbooks_by_content(store: Store, playbook: Playbook) -> None:
    with store.session() as session:
        first, new = publish_playbook(session, playbook)
        assert (first.number, new) == (1, True)
        again, new = publish_playbook(session, playbook)
        assert (again.number, new) == (1, False)
        second, new = publish_playbook(session, changed(playbook))
        assert (second.number, new) == (2, True)
    with store.session() as session:
        latest = latest_playbook(session, playbook.id)
        assert latest is not None and latest.number == 2
        assert latest.load().digest == changed(playbook).digest
        assert [version.number for version in list_playbooks(session)] == [1, 2]


def test_cases_and_feedback(store: Store) -> None:
    with store.session() as session:
        case = record_case(
            session,
            playbook_id="p",
            playbook_version="sha256:1",
            facts={"service_type": "nodeport"},
            verdict="fails",
            fixes=["use-cluster-ip"],
            language="pt",
            channel="cli",
        )
        add_feedback(session, case.id, True, "ótimo")
    with store.session() as session:
        (stored,) = list_cases(session)
        assert (stored.facts, stored.verdict, stored.fixes, stored.language) == (
            {"service_type": "nodeport"},
            "fails",
            ["use-cluster-ip"],
            "pt",
        )
        assert [(f.helpful, f.comment) for f in feedback_for(session, case.id)] == [(True, "ótimo")]
        with pytest.raises(StoreError, match="no diagnosis case"):
            add_feedback(session, "missing", False)


def test_a_failed_transaction_is_rolled_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store.session() as session:
        record_case(
            session,
            playbook_id="p",
            playbook_version="v",
            facts={},
            verdict="works",
            fixes=[],
            language="en",
            channel="cli",
        )
        raise RuntimeError("boom")
    with store.session() as session:
        assert list_cases(session) == []


def test_the_app_reads_the_latest_published_playbook(
    database_url: str, playbook: Playbook, tmp_path
) -> None:
    app = App.open(Settings(database_url=database_url))
    assert app.doctor.playbook.digest == playbook.digest
    app.close()
    edited = tmp_path / "edited.yaml"
    edited.write_text(changed(playbook).text)
    other = Store.open(database_url)
    with other.session() as session:
        publish_playbook(session, parse_playbook(edited.read_text()))
    other.close()
    app = App.open(Settings(database_url=database_url))
    assert app.doctor.playbook.digest == changed(playbook).digest
    report = app.diagnose({"client_location": "outside-cluster"}, "en", channel="test")
    assert report["verdict"] == "out-of-scope"
    with app.store.session() as session:
        assert [case.channel for case in list_cases(session)] == ["test"]
    app.close()


def test_a_bad_database_url_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("not a url")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
