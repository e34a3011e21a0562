"""Hypothesis profiles: "ci" (the default) keeps the suite fast, "dev" uses Hypothesis' defaults.

Pick one with HYPOTHESIS_PROFILE=dev.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
