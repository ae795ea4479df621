"""The exceptions LB Doctor raises, one family per layer:

    LBDoctorError
    ├── PlaybookError   a playbook file is malformed (names the file, the path inside it, what is wrong)
    ├── FactError       an unknown fact, or a value outside the fact's vocabulary
    ├── IntakeError     a paste or message the intake parsers cannot read
    ├── ManifestError   a rendered fix manifest failed validation (it is never shown)
    ├── StoreError      the store cannot be reached or used
    └── ChatError       the assistant (Rasa's REST channel) cannot be reached or answers badly

Every message is one line a user can act on.
"""

from __future__ import annotations

__all__ = [
    "ChatError",
    "FactError",
    "IntakeError",
    "LBDoctorError",
    "ManifestError",
    "PlaybookError",
    "StoreError",
]


class LBDoctorError(Exception):
    """Base of every error LB Doctor raises on purpose."""


class PlaybookError(LBDoctorError):
    def __init__(self, file: str, path: str, problem: str) -> None:
        self.file = file
        self.path = path
        self.problem = problem
        super().__init__(f"{file}: at {path or '(top)'}: {problem}")


class FactError(LBDoctorError):
    def __init__(
        self, fact: str, problem: str, valid: tuple[str, ...] = (), problem_pt: str | None = None
    ) -> None:
        self.fact = fact
        self.problem = problem
        # The problem in Portuguese, where a chat user may read it.
        self.problem_pt = problem_pt if problem_pt is not None else problem
        self.valid = valid
        hint = f"; valid values: {', '.join(valid)}" if valid else ""
        super().__init__(f"{fact}: {problem}{hint}")

    def get(self, lang: str) -> str:
        """The problem (without the fact's name) in the user's language."""
        return self.problem_pt if lang == "pt" else self.problem


class IntakeError(LBDoctorError):
    """Carries its message in both languages: it is shown to the user who pasted."""

    def __init__(self, en: str, pt: str | None = None) -> None:
        self.en = en
        self.pt = pt if pt is not None else en
        super().__init__(en)

    def get(self, lang: str) -> str:
        return self.pt if lang == "pt" else self.en


class ManifestError(LBDoctorError):
    pass


class StoreError(LBDoctorError):
    pass


class ChatError(LBDoctorError):
    pass
