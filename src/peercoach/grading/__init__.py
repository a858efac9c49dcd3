"""Grading a cohort with nbgrader's own autograder: parallel, isolated and resumable.

``peercoach grade`` runs nbgrader's ``Autograde`` converter in a pool of worker processes, each
started once. Learner code runs in a bubblewrap sandbox (:mod:`peercoach.grading.sandbox`) under an
unprivileged user with resource limits; gradebook writes are serialised
(:mod:`peercoach.grading.gradebook`); a ledger of finished submissions makes a killed run
resumable (:mod:`peercoach.grading.ledger`).
"""
