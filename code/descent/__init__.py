"""The code of *Gradient Descent, Step by Step*.

Every function a chapter shows or runs lives here, in small modules named by subject,
and is unit-tested in ``tests/``.
"""

import os

# The same numbers on every run. PyTorch's CPU math library (Intel MKL) may pick a different code
# path from one run to the next, which changes the last bits of float32 sums: enough to move a
# step count by one (steps_to_reach at η = 0.012 gave 1006 in one build, 1007 in another). Its
# "conditional numerical reproducibility" mode fixes the path. MKL reads this at its first call,
# which in every chapter comes after importing the package; an explicit setting wins.
os.environ.setdefault("MKL_CBWR", "COMPATIBLE")
