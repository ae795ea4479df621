"""Channel connectors loaded by Rasa (credentials written by scripts/serve.py): thin on purpose,
authentication, transport, retries and turning a click into a message; what a reply looks like
is rendered by the actions (frontends.render)."""
