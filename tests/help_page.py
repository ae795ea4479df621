"""Reading the help page as a browser without JavaScript would: its forms, buttons and card."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode


class HelpPage(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: list[tuple[str, str]] = []
        self.buttons: dict[tuple[str, str], str] = {}
        self.links: dict[str, str] = {}
        self.verdict: str | None = None
        self.fix_ids: list[str] = []
        self.question: str | None = None
        self.state = ""
        self._in_get_form = False
        self._button: tuple[str, str] | None = None
        self._link: str | None = None
        self.html = html
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_get_form = a.get("method") == "get"
        elif tag == "input" and a.get("type") == "hidden":
            if self._in_get_form:
                self.hidden.append((a["name"], a["value"]))
            elif a["name"] == "state":
                self.state = a["value"]
        elif tag == "button" and self._in_get_form and a.get("name"):
            self._button = (a["name"], a["value"])
            self.buttons[self._button] = ""
            if a.get("class") == "option":
                self.question = a["name"]
        elif tag == "article" and "lbd-card" in a.get("class", ""):
            self.verdict = a["data-verdict"]
        elif tag == "section" and a.get("data-fix-id"):
            self.fix_ids.append(a["data-fix-id"])
        elif tag == "a" and a.get("href"):
            self._link = a["href"]
            self.links[self._link] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get_form = False
        elif tag == "button":
            self._button = None
        elif tag == "a":
            self._link = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._button is not None:
            self.buttons[self._button] += data
        if self._link is not None:
            self.links[self._link] += data

    def click(self, name: str, value: str) -> str:
        """The address the browser goes to when this button is pressed."""
        assert (name, value) in self.buttons, f"no button {name}={value} in {list(self.buttons)}"
        return "/help?" + urlencode([*self.hidden, (name, value)])
