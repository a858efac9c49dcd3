"""The course's Sphinx extension: role-play players, self-check quizzes and objectives in pages."""


def setup(app):
    """Register the extension's directives and assets."""
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
