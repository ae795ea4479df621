"""`lbdoctor report` on real SQLite and real PostgreSQL: a store seeded with known cases,
handoffs and conversations, every figure checked against a count made by hand below."""

from __future__ import annotations

import io
import json
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from frontends.cli import main
from frontends.text import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK
from knowledge.handoff import Bundle
from knowledge.outbox import enqueue
from knowledge.progress import ConversationRow, conversation_id, note_question, note_verdict
from knowledge.report import build_report
from knowledge.store import Store, add_feedback, record_case


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, second, tzinfo=timezone.utc)


# The week under review: [2025-03-10, 2025-03-17).
SINCE, UNTIL, NOW = at(10), at(17), at(17, 12)
NODEPORT = {"service_type": "nodeport"}

# Each case's facts; c0, c7 (outside the week) have NODEPORT only.
FACTS: dict[str, dict[str, str]] = {
    "c1": {**NODEPORT, "client_location": "same-node", "proxy_mode": "iptables"},
    "c2": {
        **NODEPORT,
        "client_location": "other-node",
        "proxy_mode": "iptables",
        "error_message": "connection refused",
    },
    "c3": {**NODEPORT, "client_location": "same-node", "error_message": "timed out"},
    "c4": {
        **NODEPORT,
        "client_location": "outside-cluster",
        "external_traffic_policy": "Local",
        "access_type": "public",
        "network_model": "vpc",
    },
    "c5": {**NODEPORT, "client_location": "same-node"},
    "c6": {
        "service_type": "clusterip",
        "proxy_mode": "iptables",
        "network_model": "tunnel",
        "cluster_version": "v1.27",
        "needs_source_ip": "yes",
    },
}
# id, created, verdict, language, channel, feedback in the order given (the last counts).
CASES: list[tuple[str, datetime, str, str, str, list[bool]]] = [
    ("c0", at(9, 23, 59, 59), "fails", "en", "rest", [False]),  # before the week
    ("c1", at(10), "fails", "en", "rest", [False, True]),  # at `since`: in
    ("c2", at(10, 15), "fails", "pt", "slack", [True, False]),
    ("c3", at(10, 18), "unsupported", "en", "rest", [True]),
    ("c4", at(11, 10), "works", "en", "teams", [False]),
    ("c5", at(12, 8), "fails", "pt", "socketio", []),
    ("c6", at(16, 23, 59, 59), "depends", "en", "rest", [False]),
    ("c7", at(17), "fails", "en", "rest", [False]),  # at `until`: out
]

HANDOFFS = [
    ("dead-end", at(9, 12)),  # out
    ("not-solved", at(10, 16)),
    ("not-solved", at(11, 10, 5)),
    ("asked-for-human", at(13, 12)),
    ("dead-end", at(16, 23)),
    ("not-solved", at(17)),  # out
]

# Conversation key: the questions asked (fact, when) and the verdict's time, if any.
CONVERSATIONS: list[tuple[str, list[tuple[str, datetime]], datetime | None]] = [
    ("k0", [("service_type", at(9, 20))], None),  # started before the week
    ("k1", [("service_type", at(10)), ("client_location", at(10, 0, 1))], at(10, 0, 5)),
    ("k2", [("service_type", at(11, 9)), ("client_location", at(11, 9, 1))], None),
    ("k3", [("service_type", at(12, 10))], None),
    (
        "k4",
        [
            ("service_type", at(13, 10)),
            ("client_location", at(13, 10, 1)),
            ("proxy_mode", at(13, 10, 2)),
        ],
        None,
    ),
    ("k5", [("service_type", at(14, 10)), ("client_location", at(14, 10, 1))], None),
    # Still answering at NOW: last heard 20 minutes ago, and exactly the idle time ago.
    ("k7", [("service_type", at(16, 23, 50)), ("client_location", at(17, 11, 40))], None),
    ("k8", [("service_type", at(15, 8)), ("client_location", at(17, 11, 30))], None),
    ("k9", [("service_type", at(17))], None),  # started at `until`
]


def seed(store: Store) -> None:
    with store.session() as session:
        for case_id, created, verdict, lang, channel, feedback in CASES:
            record_case(
                session,
                playbook_id="elb-in-cluster-access",
                playbook_version="sha256:1",
                facts=FACTS.get(case_id, NODEPORT),
                verdict=verdict,
                fixes=[],
                language=lang,
                channel=channel,
                case_id=case_id,
                created_at=created,
            )
            for helpful in feedback:
                add_feedback(session, case_id, helpful)
        for reason, created in HANDOFFS:
            enqueue(
                session, Bundle.create(reason=reason, language="en", channel="rest", now=created)
            )
        for key, questions, verdict_at in CONVERSATIONS:
            for question, moment in questions:
                note_question(
                    session, key, channel="rest", language="en", question=question, now=moment
                )
            if verdict_at is not None:
                note_verdict(
                    session,
                    key,
                    channel="rest",
                    language="en",
                    verdict="fails",
                    case_id=None,
                    now=verdict_at,
                )
        # Left before the first question: no note_* call makes such a row, so it is written whole.
        session.add(
            ConversationRow(
                id=conversation_id("k6"),
                channel="rest",
                language="pt",
                started_at=at(15, 10),
                updated_at=at(15, 10),
                last_question=None,
                questions_asked=0,
                verdict=None,
                case_id=None,
            )
        )


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    return store


def day(when: str, diagnoses: int, solved: int, not_solved: int, rate: float | None) -> Any:
    return {
        "day": when,
        "diagnoses": diagnoses,
        "solved": solved,
        "not_solved": not_solved,
        "deflection_rate": rate,
    }


def answer(fact: str, value: str, no: int, with_feedback: int, rate: float) -> Any:
    return {
        "fact": fact,
        "value": value,
        "not_solved": no,
        "with_feedback": with_feedback,
        "rate": rate,
    }


# The hand count for the week (c1..c6; c0 and c7 fall outside it).
WEEK = {
    "since": "2025-03-10T00:00:00+00:00",
    "until": "2025-03-17T00:00:00+00:00",
    "diagnoses": 6,
    "solved": 2,  # c1 (no, then yes), c3
    "not_solved": 3,  # c2 (yes, then no), c4, c6
    "no_answer": 1,  # c5
    "deflection_rate": 2 / 5,
    "verdicts": {"fails": 3, "depends": 1, "unsupported": 1, "works": 1},
    "languages": {"en": 4, "pt": 2},
    "channels": {"rest": 3, "slack": 1, "socketio": 1, "teams": 1},
    "handoffs": {
        "total": 4,
        "by_reason": {"not-solved": 2, "asked-for-human": 1, "dead-end": 1},
    },
    "deflection_by_day": [
        day("2025-03-10", 3, 2, 1, 2 / 3),
        day("2025-03-11", 1, 0, 1, 0.0),
        day("2025-03-12", 1, 0, 0, None),
        day("2025-03-13", 0, 0, 0, None),
        day("2025-03-14", 0, 0, 0, None),
        day("2025-03-15", 0, 0, 0, None),
        day("2025-03-16", 1, 0, 1, 0.0),
    ],
    "conversations": 8,  # k1..k8
    "drop_off": [
        {"question": "client_location", "conversations": 2, "share": 2 / 8},  # k2, k5
        {"question": None, "conversations": 1, "share": 1 / 8},  # k6
        {"question": "proxy_mode", "conversations": 1, "share": 1 / 8},  # k4
        {"question": "service_type", "conversations": 1, "share": 1 / 8},  # k3
    ],
    # From the cases with feedback c1..c4, c6; free text (error_message) is no answer.
    # Eleven answers were followed by a "no": service_type = clusterip is the eleventh.
    "answers_followed_by_no": [
        answer("proxy_mode", "iptables", 2, 3, 2 / 3),  # no: c2, c6; yes: c1
        answer("service_type", "nodeport", 2, 4, 2 / 4),  # no: c2, c4; yes: c1, c3
        answer("access_type", "public", 1, 1, 1.0),
        answer("client_location", "other-node", 1, 1, 1.0),
        answer("client_location", "outside-cluster", 1, 1, 1.0),
        answer("cluster_version", "v1.27", 1, 1, 1.0),
        answer("external_traffic_policy", "Local", 1, 1, 1.0),
        answer("needs_source_ip", "yes", 1, 1, 1.0),
        answer("network_model", "tunnel", 1, 1, 1.0),
        answer("network_model", "vpc", 1, 1, 1.0),
    ],
}


def test_the_weeks_figures_match_the_hand_count(seeded: Store) -> None:
    with seeded.session() as session:
        report = build_report(session, SINCE, UNTIL, now=NOW)
    assert report.to_json() == WEEK


@pytest.mark.parametrize(
    ("since", "until", "diagnoses", "handoffs", "conversations"),
    [
        (at(9), at(10), 1, {"dead-end": 1}, 1),  # c0, k0: the instant before `since`
        (at(17), at(18), 1, {"not-solved": 1}, 1),  # c7, k9: exactly at the old `until`
        (at(16, 23, 59, 59), at(17), 1, {"dead-end": 0}, 0),  # c6 alone
    ],
)
def test_the_period_includes_since_and_excludes_until(
    seeded: Store,
    since: datetime,
    until: datetime,
    diagnoses: int,
    handoffs: dict[str, int],
    conversations: int,
) -> None:
    with seeded.session() as session:
        report = build_report(session, since, until, now=NOW)
    assert report.diagnoses == diagnoses
    assert {reason: report.handoffs[reason] for reason in handoffs} == handoffs
    assert report.conversations == conversations


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(["report", *argv], stdout=out), out.getvalue()


WEEK_ARGS = ["--since", "2025-03-10", "--until", "2025-03-17"]


@pytest.fixture
def cli_store(seeded: Store, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", database_url)


@pytest.mark.usefixtures("cli_store")
def test_json_is_one_object_with_the_weeks_figures() -> None:
    code, out = run([*WEEK_ARGS, "--json"])
    assert code == EXIT_OK
    figures = json.loads(out)
    # Run now, long after the week: k7 and k8 are idle too, so they dropped off as well.
    assert figures["drop_off"] == [
        {"question": "client_location", "conversations": 4, "share": 4 / 8},
        {"question": None, "conversations": 1, "share": 1 / 8},
        {"question": "proxy_mode", "conversations": 1, "share": 1 / 8},
        {"question": "service_type", "conversations": 1, "share": 1 / 8},
    ]
    assert {k: v for k, v in figures.items() if k != "drop_off"} == {
        k: v for k, v in WEEK.items() if k != "drop_off"
    }


@pytest.mark.usefixtures("cli_store")
def test_text_tables_are_aligned_for_a_weekly_review() -> None:
    code, out = run(WEEK_ARGS)
    assert code == EXIT_OK
    assert out.startswith("LB Doctor report, 2025-03-10 to 2025-03-16 (UTC)\n")
    assert (
        "Summary\n"
        "  Diagnoses                                6\n"
        "  Solved by the bot                        2\n"
        "  Not solved                               3\n"
        "  No answer                                1\n"
        "  Deflection rate (solved / answered)  40.0%\n"
        "  Handoffs to support                      4\n"
        "  Conversations started                    8\n"
    ) in out
    assert (
        "Handoffs by reason\n"
        "                   count  share\n"
        "  not-solved           2  50.0%\n"
        "  asked-for-human      1  25.0%\n"
        "  dead-end             1  25.0%\n"
    ) in out
    assert (
        "Deflection per day\n"
        "  day         diagnoses  solved  not solved  deflection\n"
        "  2025-03-10          3       2           1       66.7%\n"
        "  2025-03-11          1       0           1        0.0%\n"
        "  2025-03-12          1       0           0           -\n"
    ) in out
    assert "  (before the first question)              1         12.5%\n" in out
    assert (
        '  answer                             "no"  with feedback    rate\n'
        "  proxy_mode = iptables                 2              3   66.7%\n"
        "  service_type = nodeport               2              4   50.0%\n"
        "  access_type = public                  1              1  100.0%\n"
    ) in out


def test_an_empty_store_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, out = run([*WEEK_ARGS, "--chart", str(tmp_path / "empty.png")])
    assert code == EXIT_OK
    assert "  Deflection rate (solved / answered)  -\n" in out
    assert "Verdicts\n  (none)\n" in out
    assert (tmp_path / "empty.png").stat().st_size > 5_000


@pytest.mark.usefixtures("cli_store")
@pytest.mark.parametrize(
    ("name", "start"),
    [("week.png", b"\x89PNG\r\n\x1a\n"), ("week.svg", b"<?xml"), ("WEEK.SVG", b"<?xml")],
)
def test_the_chart_is_drawn_beside_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, start: bytes
) -> None:
    chart = tmp_path / name
    code, out = run([*WEEK_ARGS, "--chart", str(chart)])
    assert code == EXIT_OK
    assert "Deflection per day" in out
    assert capsys.readouterr().err == f"chart written to {chart}\n"
    data = chart.read_bytes()
    assert data.startswith(start)
    assert len(data) > 10_000
    if name.lower().endswith(".svg"):
        # Both panels, with the drop-off bars labelled by question.
        assert b"<svg" in data and b"Deflection rate per day" in data
        assert b"client_location" in data


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--since", "2025-13-01"], "--since '2025-13-01': month must be in 1..12"),
        (["--since", "10/03/2025"], "--since '10/03/2025': expected a date as YYYY-MM-DD"),
        (["--until", "2025-03-1"], "--until '2025-03-1': expected a date as YYYY-MM-DD"),
        (
            ["--since", "2025-03-17", "--until", "2025-03-10"],
            "--since 2025-03-17 is not before --until 2025-03-10: the period is empty",
        ),
        (
            ["--since", "2025-03-10", "--until", "2025-03-10"],
            "--since 2025-03-10 is not before --until 2025-03-10: the period is empty",
        ),
        (["--until", "0001-01-03"], "--until 0001-01-03: give --since too"),
        (
            ["--since", "0001-01-01", "--until", "9999-12-31"],
            "the period is 3652058 days; at most 3660",
        ),
        (["--chart", "week.pdf"], "--chart week.pdf: the file name must end in .png or .svg"),
        (["--chart", "week"], "--chart week: the file name must end in .png or .svg"),
    ],
)
def test_bad_input_gets_one_clear_line(
    argv: list[str],
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", f"sqlite:///{tmp_path / 'lbdoctor.db'}")
    assert run(argv) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"lbdoctor: {says}\n"
    assert list(tmp_path.iterdir()) == []  # refused before the store or a chart is touched


def test_a_store_that_cannot_be_opened_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", "not a url")
    assert run(WEEK_ARGS) == (EXIT_ERROR, "")
    assert capsys.readouterr().err == (
        "lbdoctor: LBDOCTOR_DATABASE_URL is not a database URL: not a url\n"
    )


def test_a_chart_that_cannot_be_written_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", f"sqlite:///{tmp_path / 'lbdoctor.db'}")
    chart = tmp_path / "missing" / "week.png"
    code, _ = run([*WEEK_ARGS, "--chart", str(chart)])
    assert code == EXIT_ERROR
    assert capsys.readouterr().err == (
        f"lbdoctor: cannot write the chart to {chart}: No such file or directory\n"
    )


def test_the_default_period_is_the_last_seven_days_up_to_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", f"sqlite:///{tmp_path / 'lbdoctor.db'}")
    today = datetime.now(timezone.utc).date()
    code, out = run(["--json"])
    assert code == EXIT_OK
    figures = json.loads(out)
    days = [d["day"] for d in figures["deflection_by_day"]]
    # Read around the run, so a run across midnight still has one right answer.
    assert days[-1] in (today.isoformat(), datetime.now(timezone.utc).date().isoformat())
    assert len(days) == 7
    assert figures["until"] == f"{date.fromisoformat(days[-1]) + timedelta(days=1)}T00:00:00+00:00"


def test_a_chart_without_matplotlib_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As in an image without it: a None entry makes an import fail, even one loaded before.
    for name in ["matplotlib", *(m for m in sys.modules if m.startswith("matplotlib."))]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "frontends.report_chart", raising=False)
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", f"sqlite:///{tmp_path / 'lbdoctor.db'}")
    assert run([*WEEK_ARGS, "--chart", str(tmp_path / "week.png")]) == (EXIT_ERROR, "")
    assert capsys.readouterr().err.startswith(
        "lbdoctor: --chart needs matplotlib, which is missing: "
    )
    assert list(tmp_path.iterdir()) == []


def test_a_conversations_progress_row_follows_its_questions_and_verdict(store: Store) -> None:
    first, later = at(10, 9), at(10, 10)
    with store.session() as session:
        for question, moment in (("service_type", first), ("service_type", first),
                                 ("proxy_mode", later)):  # fmt: skip
            note_question(
                session, "k", channel="slack", language="en", question=question, now=moment
            )
        note_verdict(
            session, "k", channel="slack", language="pt", verdict="fails", case_id="c1", now=later
        )
    with store.session() as session:
        row = session.get(ConversationRow, conversation_id("k"))
        assert row is not None
        # Asked again: counted once. The language follows the user; the start stays.
        assert (row.questions_asked, row.last_question, row.verdict, row.case_id) == (
            2, "proxy_mode", "fails", "c1",
        )  # fmt: skip
        assert (row.channel, row.language) == ("slack", "pt")
        assert row.started_at.replace(tzinfo=timezone.utc) == first
        assert row.updated_at.replace(tzinfo=timezone.utc) == later
