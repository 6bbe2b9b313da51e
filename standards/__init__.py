"""Standards profiles: thresholds, speeds, circles and classification rules.

The profiles are YAML data shipped beside this file (``shanghai.yml``,
``gb50180-2018.yml``); :mod:`lifecircle.standards.profile` reads and checks
them. This package sits below :mod:`lifecircle.layers`, so both the readers and
the analyses take a :class:`Profile` directly.
"""

from lifecircle.standards.profile import Profile, available_profiles, load_profile

__all__ = ["Profile", "available_profiles", "load_profile"]
