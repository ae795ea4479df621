"""`lbdoctor`: the diagnose JSON contract, exit codes, the terminal walk and playbook commands."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from frontends.cli import main
from knowledge.diagnosis import Doctor

from .conftest import DATA

CONTRACT_KEYS = {
    "playbook",
    "playbook_version",
    "facts",
    "verdict",
    "next_question",
    "explanation",
    "fixes",
    "sources",
}
FIX_KEYS = {"id", "title", "recommended", "caveats", "manifest", "command"}


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", url)
    monkeypatch.delenv("LBDOCTOR_LANG", raising=False)
    return url


def run(args: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(args, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


FULL = [
    "service_type=loadbalancer-dedicated",
    "access_type=private",
    "client_location=same-node",
    "external_traffic_policy=Local",
    "network_model=vpc",
    "proxy_mode=ipvs",
]


def test_diagnose_json_follows_the_contract(doctor: Doctor) -> None:
    code, out = run(["diagnose", "--json", *FULL])
    assert code == 0
    report = json.loads(out)
    assert set(report) == CONTRACT_KEYS
    assert report["verdict"] == "fails" and report["next_question"] is None
    assert [fix["id"] for fix in report["fixes"]] == [
        "use-cluster-ip",
        "set-external-traffic-policy-cluster",
    ]
    assert all(set(fix) == FIX_KEYS for fix in report["fixes"])
    assert report["fixes"][0]["recommended"] is True
    facts = dict(pair.split("=") for pair in FULL)
    assert report == doctor.report(facts)


def test_verdict_is_null_exactly_when_a_question_is_pending() -> None:
    code, out = run(["diagnose", "--json", "service_type=nodeport"])
    report = json.loads(out)
    assert code == 0 and report["verdict"] is None and report["next_question"] is not None
    assert report["fixes"] == [] and report["explanation"]


def test_service_file_and_error_fill_facts_and_explicit_pairs_win() -> None:
    code, out = run(
        [
            "diagnose",
            "--json",
            "--lang",
            "pt",
            "--service-file",
            str(DATA / "svc-dedicated-local.yaml"),
            "--error",
            "curl: (7) Failed to connect to 192.168.10.36 port 900: Connection refused",
            "client_location=container-same-node",
            "network_model=tunnel",
        ]
    )
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "fails"
    assert report["facts"]["service_type"] == "loadbalancer-dedicated"
    assert report["facts"]["client_location"] == "container-same-node"
    assert "shop" in report["fixes"][0]["manifest"]
    code, out = run(
        [
            "diagnose",
            "--json",
            "--service-file",
            str(DATA / "svc-dedicated-local.yaml"),
            "external_traffic_policy=Cluster",
            "client_location=same-node",
        ]
    )
    assert json.loads(out)["verdict"] == "works"


def test_synonyms_and_case_are_accepted_for_values() -> None:
    code, out = run(
        [
            "diagnose",
            "--json",
            "network_model=overlay_l2",
            "external_traffic_policy=local",
            "client_location=outside-cluster",
        ]
    )
    assert code == 0
    assert json.loads(out)["facts"]["network_model"] == "tunnel"


def exit_code(args: list[str]) -> int | str | None:
    try:
        return run(args)[0]
    except SystemExit as exc:  # argparse's own usage errors
        return exc.code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["diagnose", "service_type=banana"],
            "service_type: 'banana' is not a valid value; valid values: nodeport",
        ),
        (["diagnose", "colour=blue"], "colour: unknown fact; valid values: service_type"),
        (["diagnose", "service_type"], "service_type: expected FACT=VALUE"),
        (["diagnose", "--service-file", "/nonexistent.yaml"], "cannot read /nonexistent.yaml"),
        (["diagnose", "--lang", "fr"], "invalid choice: 'fr'"),
        (["diagnose", "--error", "x" * 5000], "error_message: is longer than 4000 characters"),
        (
            [
                "diagnose",
                "--service-file",
                str(DATA / "svc-dedicated-local.yaml"),
                "service_type=dnat-gateway",
            ],
            "access_type: 'private' contradicts service_type=dnat-gateway",
        ),
    ],
    ids=[
        "bad-value",
        "unknown-fact",
        "no-equals",
        "missing-file",
        "bad-lang",
        "huge-error",
        "contradiction",
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_problem(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_code(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_text_output_in_portuguese() -> None:
    code, out = run(["diagnose", "--lang", "pt", *FULL])
    assert code == 0
    assert out.startswith("Veredito: O ACESSO FALHA")
    assert "Correções:" in out and "(recomendada)" in out and "Fontes:" in out


def test_ask_walks_the_questions_to_a_diagnosis_and_records_feedback(database: str) -> None:
    # error, no Service, then: location, service type (1=nodeport), policy, network, target, feedback.
    answers = (
        "\n".join(
            [
                "curl: (7) Failed to connect to 10.0.0.8 port 31900: Connection refused",
                "",
                "o cliente roda no mesmo nó do pod",
                "1",
                "1",
                "túnel",
                "O IP de outro nó",
                "s",
            ]
        )
        + "\n"
    )
    code, out = run(["ask", "--lang", "pt"], stdin=answers)
    assert code == 0, out
    assert "Veredito: O ACESSO FALHA" in out
    assert "Obrigado" in out
    from knowledge.store import Store, list_cases

    store = Store.open(database)
    with store.session() as session:
        (case,) = list_cases(session)
    store.close()
    assert (case.channel, case.verdict, case.facts["nodeport_target"]) == (
        "terminal",
        "fails",
        "other-node",
    )


def test_ask_rejects_an_unclear_answer_and_asks_again() -> None:
    code, out = run(["ask"], stdin="\n\nbanana\n6\n5\n")
    assert code == 0
    assert "Answer with a number from 1 to" in out
    assert "OUTSIDE THE FAQ" in out


def test_ask_reads_a_pasted_service() -> None:
    paste = "".join(
        line
        for line in (DATA / "svc-dedicated-local.yaml").read_text().splitlines(keepends=True)
        if line.strip() and not line.startswith("$")
    )
    code, out = run(["ask"], stdin="\n" + paste + "\n1\n2\nn\n")
    assert code == 0, out
    assert "service_type=loadbalancer-dedicated" in out
    assert "What kind of Service" not in out  # the paste answered it
    assert "ACCESS FAILS" in out


def test_ask_ends_cleanly_when_input_ends() -> None:
    code, out = run(["ask"], stdin="")
    assert code == 2 and "Input ended before the diagnosis" in out


def test_knowledge_commands(tmp_path: Path) -> None:
    code, out = run(["knowledge", "validate"])
    assert code == 0 and out.startswith("ok: shipped playbook: elb-in-cluster-access")
    code, out = run(["knowledge", "publish"])
    assert code == 0 and "elb-in-cluster-access v1" in out
    code, out = run(["knowledge", "list"])
    assert code == 0 and out.startswith("elb-in-cluster-access\tv1\tsha256:")


def test_a_malformed_playbook_names_file_path_and_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        Path(__file__).parents[1] / "knowledge/playbooks/elb-in-cluster-access.yaml"
    ).read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("verdict: fails", "verdict: broken", 1))
    # The outcome whose verdict was broken: the first one that fails.
    (outcome,) = re.findall(r"\n  ([a-z-]+):\n    verdict: fails", text)[:1]
    code, _ = run(["knowledge", "validate", str(broken)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{broken}: at outcomes.{outcome}.verdict: 'broken' is not one of" in err
    broken.write_text(text.replace("outcome: no-load-balancer", "outcome: no-such-outcome"))
    run(["knowledge", "validate", str(broken)])
    assert "at rules[1].outcome: unknown outcome 'no-such-outcome'" in capsys.readouterr().err


def test_the_installed_console_script(database: str) -> None:
    env = {**os.environ, "LBDOCTOR_DATABASE_URL": database}
    script = Path(sys.executable).parent / "lbdoctor"
    done = subprocess.run(
        [str(script), "diagnose", "--json", *FULL],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "fails"
    bad = subprocess.run(
        [str(script), "diagnose", "proxy_mode=nftables"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert (
        bad.stderr
        == "lbdoctor: proxy_mode: 'nftables' is not a valid value; valid values: ipvs, iptables\n"
    )


def test_a_skipped_question_gives_the_verdict_for_each_answer() -> None:
    code, out = run(
        [
            "diagnose", "--json", "--skip", "network_model", "service_type=loadbalancer-dedicated",
            "access_type=private", "client_location=same-node", "external_traffic_policy=Local",
        ]
    )  # fmt: skip
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "depends" and report["next_question"] is None
    assert [(b["when"], b["verdict"]) for b in report["branches"]] == [
        ({"network_model": "tunnel"}, "fails"),
        ({"network_model": "vpc"}, "fails"),
        ({"network_model": "cloud-native-2"}, "unsupported"),
    ]
    assert [fix["id"] for fix in report["fixes"]] == [
        "use-cluster-ip",
        "set-external-traffic-policy-cluster",
    ]
    code, out = run(["diagnose", "--skip", "cluster_version"])
    assert code == 2


def test_ask_shows_how_to_check_and_takes_a_skip() -> None:
    # service type: nodeport; then "?" and "-" for the next question, then answers.
    code, out = run(["ask"], stdin="\n\n1\n?\n-\n" + "1\n" * 6 + "n\n")
    assert code == 0, out
    assert "How to check:" in out and "Source:" in out
    assert "Skipped:" in out
