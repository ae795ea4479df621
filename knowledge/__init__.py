"""LB Doctor's domain core: playbooks, the engine, intake parsers, fix manifests and the store.

This package never imports the bot framework (rasa, rasa_sdk) or the actions layer.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
