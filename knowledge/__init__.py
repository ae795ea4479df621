"""LB Doctor's domain core: playbooks, the engine, intake parsers, fix manifests and the store.

This package never imports the bot framework (rasa, rasa_sdk) or the actions layer.
"""

from pathlib import Path

__all__ = ["HOME", "__version__"]

__version__ = "0.1.0"

# The package's own files (playbooks, templates, catalogs): a folder, as pip installs it.
# Not importlib.resources, whose readers (zipfile among them) cost every start about 7 ms.
HOME = Path(__file__).resolve().parent
