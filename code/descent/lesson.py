"""The settings of the lesson this book grows from, named once so that every chapter uses them."""

N_POINTS = 100  # how many noisy points the data has
START = (-1.0, 1.0)  # the first guess: slope -1, intercept 1
LEARNING_RATE = 0.1
STEPS = 100
TOLERANCE = 1e-3  # "close enough" to the least-squares optimum, when we count steps
