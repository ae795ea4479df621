"""Intake: from what users paste and type to facts."""

from knowledge.intake.error_message import ErrorReport, classify_error
from knowledge.intake.keywords import extract_facts, fold
from knowledge.intake.service import ServiceInfo, looks_like_service, parse_service

__all__ = [
    "ErrorReport",
    "ServiceInfo",
    "classify_error",
    "extract_facts",
    "fold",
    "looks_like_service",
    "parse_service",
]
