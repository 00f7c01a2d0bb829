"""`python -m bot` behaves exactly like the `lessons` command."""
import sys

from .cli import main

sys.exit(main())
