"""Peer Coach Course: scenarios, role-play engine, MI feedback and the tools around them.

The core (:mod:`peercoach.scenario`, :mod:`peercoach.engine`, :mod:`peercoach.mi`) is pure
Python. Front ends (``widgets``, ``sphinxext``, ``grading``, ``report``, ``cli``) sit above it.
"""

__version__ = "0.1.0"
