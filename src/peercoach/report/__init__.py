"""Progress and readiness: the cohort report, item analysis and completion certificates.

Reads an nbgrader gradebook and the coaches' saved role-play calls (replayed through the core
engine), checks every coach against the certification rule in ``certification.yaml`` and writes a
static, accessible HTML report with CSV files, or a certificate for a coach who is ready.

Modules: ``config`` (rule and sign-offs), ``cohort`` (gradebook reading), ``calls`` (role-play
replay), ``readiness`` (the rule), ``items`` (item analysis), ``tables`` and ``charts`` (report
content), ``build`` (the report), ``verify`` and ``certificate`` (certificates), ``cli``.
"""
