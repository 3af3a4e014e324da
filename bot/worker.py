"""`python -m bot.worker` (the Procfile's worker process); the code is `bot.inbox.worker`."""
from __future__ import annotations

import sys

from bot.inbox.worker import main

if __name__ == "__main__":
    sys.exit(main())
