"""Pure domain logic: register numbers, working days and deadlines, SMS segments, texts, the dossier.

No I/O and no engine; imports nothing of ours but the catalogue's models. Workers, intake and reports use it;
the sandbox does not (it must be able to catch our bugs, not repeat them).
"""
