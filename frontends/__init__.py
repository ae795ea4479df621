"""LB Doctor's front ends over the knowledge core: the `lbdoctor` command, the terminal walk
and chat, and the words they and the bot's actions say (`wording`). Nothing in `knowledge`
imports this package."""
