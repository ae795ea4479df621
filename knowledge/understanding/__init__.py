"""Understanding people: a chat message read for its facts, typed answers read as the open
question's option (or as no answer at all), never a value guessed silently."""

from knowledge.understanding.message import MAX_ERROR_LINE, Reading, read_message
from knowledge.understanding.reader import Answer, AnswerReader

__all__ = ["MAX_ERROR_LINE", "Answer", "AnswerReader", "Reading", "read_message"]
