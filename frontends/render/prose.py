"""The explanation's light structure, read once for every channel: paragraphs, bullet lists and
the shell commands under a line ("  $ ip addr …"), as the playbook writes them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Block", "Item", "blocks"]


@dataclass(frozen=True)
class Item:
    """A line of text with the commands shown under it."""

    text: str
    commands: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """A paragraph (one item) or a bullet list (its items)."""

    items: tuple[Item, ...]
    bullets: bool


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    for paragraph in text.split("\n\n"):
        items: list[tuple[Item, bool]] = []
        for line in paragraph.splitlines():
            stripped = line.strip()
            if stripped.startswith("$ ") and items:
                (last, bullet) = items[-1]
                items[-1] = (Item(last.text, (*last.commands, stripped[2:])), bullet)
            elif stripped.startswith("- "):
                items.append((Item(stripped[2:]), True))
            elif stripped:
                items.append((Item(stripped), False))
        for item, bullet in items:
            if bullet and found and found[-1].bullets and found[-1] is not _BREAK:
                found[-1] = Block((*found[-1].items, item), bullets=True)
            else:
                found.append(Block((item,), bullet))
        found.append(_BREAK)
    return [block for block in found if block is not _BREAK]


# Ends a paragraph: lists do not run on across a blank line.
_BREAK = Block((), bullets=False)
