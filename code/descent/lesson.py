"""The settings of the lesson this book grows from, defined once.

Chapters run with these values and glue them into their prose, so the text and the runs
cannot disagree.
"""

N_POINTS = 100  # points in the data set
START = (-1.0, 1.0)  # the slope and intercept gradient descent starts from
LEARNING_RATE = 0.1
STEPS = 100  # steps of gradient descent
TOLERANCE = 1e-3  # "close enough" to the least-squares optimum, when we count steps
# "Close enough" in loss: within this of its minimum, when the chapters on conditioning and
# optimizers count steps.
LOSS_TOLERANCE = 1e-6
# The chapters on momentum and Adam: the momentum β of their runs, and how far they move the
# lesson's input to the right to make a narrow valley.
MOMENTUM = 0.9
NARROW_SHIFT = 3.0
