"""`make run`'s launcher: the model is trained only when its inputs changed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from .bot_helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import serve


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bot's training inputs, and a launcher that records training instead of it."""
    bot = tmp_path / "bot"
    bot.mkdir()
    for name in ("config.yml", "domain", "data"):
        source = ROOT / "bot" / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, bot / name)
    (tmp_path / "requirements").mkdir()
    shutil.copy(ROOT / "requirements" / "rasa.lock", tmp_path / "requirements")
    monkeypatch.setattr(serve, "ROOT", tmp_path)
    monkeypatch.setattr(serve, "BOT", bot)
    monkeypatch.setattr(serve, "MODELS", bot / "models")
    monkeypatch.setattr(serve, "MODEL", bot / "models" / "lbdoctor.tar.gz")
    monkeypatch.setattr(serve, "FINGERPRINT", bot / "models" / "lbdoctor.fingerprint")
    # `true` stands for `rasa train`: it succeeds and leaves the model in place.
    monkeypatch.setattr(serve, "RASA", Path("/bin/true"))
    (bot / "models").mkdir(parents=True)
    (bot / "models" / "lbdoctor.tar.gz").write_bytes(b"model")
    return bot


def test_trains_first_then_only_when_an_input_changes(project: Path) -> None:
    assert serve.train_if_needed() is True
    assert serve.train_if_needed() is False
    # A comment in the NLU data is a change of the inputs all the same.
    with (project / "data" / "nlu.yml").open("a") as nlu:
        nlu.write("# more\n")
    assert serve.train_if_needed() is True
    assert serve.train_if_needed() is False
    assert serve.train_if_needed(force=True) is True


def test_a_missing_model_is_trained_even_with_a_matching_fingerprint(project: Path) -> None:
    serve.train_if_needed()
    (project / "models" / "lbdoctor.tar.gz").unlink()
    assert serve.train_if_needed() is True


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "",
            {
                "LBDOCTOR_TRACKER_DIALECT": "sqlite",
                "LBDOCTOR_TRACKER_DB": "/state/conversations.db",
            },
        ),
        (
            "postgresql://bot:pw@db:5432/conv",
            {
                "LBDOCTOR_TRACKER_DIALECT": "postgresql",
                "LBDOCTOR_TRACKER_URL": "postgresql://bot:pw@db:5432/conv",
            },
        ),
        ("postgres://db/conv", {"LBDOCTOR_TRACKER_DIALECT": "postgresql"}),
    ],
)
def test_tracker_store_settings(url: str, expected: dict[str, str]) -> None:
    env = serve.tracker_env({"LBDOCTOR_TRACKER_URL": url}, Path("/state"))
    assert expected.items() <= env.items()


def test_a_generated_api_token_is_kept(tmp_path: Path) -> None:
    first = serve.api_token({}, tmp_path)
    assert len(first) >= 24 and serve.api_token({}, tmp_path) == first
    assert (tmp_path / "api-token").stat().st_mode & 0o077 == 0
    assert serve.api_token({"LBDOCTOR_API_TOKEN": "mine"}, tmp_path) == "mine"


SLACK = {"LBDOCTOR_SLACK_BOT_TOKEN": "xoxb-1", "LBDOCTOR_SLACK_SIGNING_SECRET": "s3cret"}
TEAMS = {
    "LBDOCTOR_TEAMS_APP_ID": "app",
    "LBDOCTOR_TEAMS_APP_PASSWORD": "pw",
    "LBDOCTOR_TEAMS_TENANT_ID": "tenant",
    "LBDOCTOR_TEAMS_TOKEN_URL": "http://127.0.0.1:9/token",
}


@pytest.mark.parametrize(
    ("env", "channels"),
    [
        ({}, set()),
        (SLACK, {"connectors.slack.SlackInput"}),
        (TEAMS, {"connectors.teams.TeamsInput"}),
        ({**SLACK, **TEAMS}, {"connectors.slack.SlackInput", "connectors.teams.TeamsInput"}),
    ],
)
def test_a_channel_is_on_when_its_settings_are_set(env: dict[str, str], channels: set[str]) -> None:
    always = set(serve.credentials({}))
    config = serve.credentials(env)
    assert set(config) - always == channels
    assert "rest" in always


def test_channel_settings_reach_the_connector_under_its_names() -> None:
    config = serve.credentials({**SLACK, **TEAMS, "LBDOCTOR_SLACK_API_URL": "http://127.0.0.1:9/"})
    assert config["connectors.slack.SlackInput"] == {
        "bot_token": "xoxb-1",
        "signing_secret": "s3cret",
        "api_url": "http://127.0.0.1:9/",
    }
    # Unset optional settings are left to the connector's defaults.
    assert config["connectors.teams.TeamsInput"] == {
        "app_id": "app",
        "app_password": "pw",
        "tenant_id": "tenant",
        "token_url": "http://127.0.0.1:9/token",
    }


def test_a_half_configured_channel_stops_the_launcher_naming_what_is_missing() -> None:
    with pytest.raises(SystemExit, match="LBDOCTOR_SLACK_SIGNING_SECRET"):
        serve.credentials({"LBDOCTOR_SLACK_BOT_TOKEN": "xoxb-1"})
