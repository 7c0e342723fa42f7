"""``python -m herz`` runs the command line."""

from herz.cli import main

main()
