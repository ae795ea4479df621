"""The Rasa project itself: its data validates without a warning, and `rasa test` predicts every
turn of the test stories (intents and actions) in both languages."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .bot_helpers import BOT, ROOT, rasa_scenario

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
QUIET = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PATH": "/usr/bin:/bin"}


@pytest.fixture(scope="session")
def model() -> Path:
    """The model `make run` serves, trained only if its inputs changed."""
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            str(ROOT / "scripts" / "serve.py"),
            "--train-only",
        ],
        check=True,
    )
    return BOT / "models" / "lbdoctor.tar.gz"


def rasa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RASA), *args], cwd=BOT, env=QUIET, capture_output=True, text=True, timeout=600
    )


def test_rasa_data_validates_without_warnings() -> None:
    done = rasa("data", "validate", "--fail-on-warnings", "--domain", "domain", "--data", "data")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_rasa_test_predicts_every_turn_of_the_test_stories(model: Path, tmp_path: Path) -> None:
    done = rasa(
        "test", "core", "--model", str(model), "--stories", "tests",
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    assert done.returncode == 0, (failed.read_text() if failed.exists() else "") + done.stderr[
        -3000:
    ]
    assert "Correct:" in done.stderr + done.stdout


def test_our_rasa_server_reads_and_predicts_as_rasa_does(model: Path) -> None:
    """Rasa with bot/server.py's changes (its graph runner, DIET's scores with NumPy) against
    Rasa as it ships, on the trained model and every NLU example: the same intents and
    rankings, confidences equal to float32's rounding, the same actions, policies and
    probabilities."""
    seen = rasa_scenario("graph_runner_scenario.py", str(model), timeout=600)
    assert seen["ours"]["predictions"] == seen["rasa"]["predictions"]
    ours, rasas = seen["ours"]["readings"], seen["rasa"]["readings"]
    assert len(ours) == len(rasas) > 500
    for (intent, ranking), (rasa_intent, rasa_ranking) in zip(ours, rasas, strict=True):
        assert intent["name"] == rasa_intent["name"]
        assert [r["name"] for r in ranking] == [r["name"] for r in rasa_ranking]
        confidences = [r["confidence"] for r in ranking] + [intent["confidence"]]
        expected = [r["confidence"] for r in rasa_ranking] + [rasa_intent["confidence"]]
        assert confidences == pytest.approx(expected, abs=1e-5)
    # NumPy's scores were the ones compared: every message went through them.
    assert seen["calls_through_rasas_method"] == 0
    assert seen["calls_computed_with_numpy"] >= len(ours) > 500
    # Not a trivial comparison: several intents and actions, among them a fallback.
    assert len({reading[0]["name"] for reading in seen["ours"]["readings"]}) >= 4
    assert len({prediction[0] for prediction in seen["ours"]["predictions"]}) >= 3
