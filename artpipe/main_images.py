"""Moved to ``artpipe.run.main_images`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.main_images import PHOTO_FIELD, MainImagePlan, plan_main_images

# The names main_images.py defined, kept for code written against it (nothing private)
__all__ = ["PHOTO_FIELD", "MainImagePlan", "plan_main_images"]
