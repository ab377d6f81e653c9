"""The events tests import their helpers (events_test_support) and their tiny service
(events_test_service) by name, as does the crm-replay module one test writes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
