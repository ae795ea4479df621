"""Intake: from what users paste and type to facts."""

from knowledge.intake.error_message import ErrorReport, classify_error
from knowledge.intake.keywords import extract_facts, fold
from knowledge.intake.language import detect_language, named_language
from knowledge.intake.service import ServiceInfo, looks_like_service, parse_service

__all__ = [
    "ErrorReport",
    "ServiceInfo",
    "classify_error",
    "detect_language",
    "extract_facts",
    "fold",
    "looks_like_service",
    "named_language",
    "parse_service",
]
