"""The code of *Gradient Descent, Step by Step*.

Every function a chapter shows or runs lives here, in small modules named by subject,
and is unit-tested in ``tests/``.
"""
