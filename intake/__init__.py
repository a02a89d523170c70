"""Intake API: what enters from outside (portal submissions, agency decisions, citizen replies)."""
