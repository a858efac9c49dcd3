"""Notebook front end (ipywidgets 8): the role-play player and the answer widgets.

Every widget saves what the learner did as data in a file beside the notebook, after every
change; graders read those files and never the widget state or the kernel.
"""

from peercoach.widgets.roleplay import (
    Capstone,
    RolePlay,
    debrief_html,
    read_record,
    record_path,
)

__all__ = ["Capstone", "RolePlay", "debrief_html", "read_record", "record_path"]
