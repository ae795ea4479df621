"""`lbdoctor purge --older-than AGE`: what identifies people, older than AGE, deleted from the
knowledge store and the tracker store; the counts `lbdoctor report` needs stay
(knowledge.retention)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from frontends.text import EXIT_BAD_INPUT, EXIT_OK
from knowledge.retention import parse_age, purge
from knowledge.settings import Settings
from knowledge.store import Store

__all__ = ["run_purge"]


def run_purge(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    try:
        age = parse_age(args.older_than)
    except ValueError as exc:
        sys.stderr.write(f"lbdoctor: --older-than {exc}\n")
        return EXIT_BAD_INPUT
    # A store that cannot be reached: frontends.cli.main says so (StoreError, EXIT_ERROR).
    store = Store.open(settings.database_url)
    try:
        purged = purge(store, settings.tracker_url, age)
    finally:
        store.close()
    out.write(
        f"Purged what is older than {args.older_than.strip()}:\n"
        f"  handoff bundles replaced by a stub  {purged.bundles}\n"
        f"  feedback comments emptied           {purged.comments}\n"
        f"  pasted errors removed from cases    {purged.case_texts}\n"
        f"  conversations deleted (tracker)     {purged.conversations}"
        f" ({purged.events} events)\n"
        f"  earlier sessions' events deleted    {purged.session_events}\n"
    )
    return EXIT_OK
