"""bot/tracker_copy.py gives the trackers Rasa's own copy and a form's temporary tracker give
(run in Rasa's virtualenv against Rasa's replay), after every kind of event, and a copy that
changes leaves the tracker as it was."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .bot_helpers import BOT, ROOT

SCENARIO = Path(__file__).with_name("tracker_copy_scenario.py")


def test_a_tracker_copied_from_its_state_is_the_replayed_copy() -> None:
    done = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-W", "ignore", str(SCENARIO)],
        cwd=BOT, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(BOT), "RASA_TELEMETRY_ENABLED": "false"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    seen: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(seen) == 13
    assert [name for name, holds in seen.items() if not holds] == []
