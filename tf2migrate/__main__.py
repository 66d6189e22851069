"""Allow `python -m tf2migrate`."""

from tf2migrate.cli import main

main()
