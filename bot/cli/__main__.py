"""`python -m bot.cli`: the same as the `nhacviec` command."""

from bot.cli import main

main()
