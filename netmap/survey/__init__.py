"""Collecting the soft wiring in netmap: survey rounds over a snapshot's staff, personal links, answers, and a
snapshot written when a round closes. This package holds what does not depend on where rounds are kept: the
question bank, a round's definition and its checks, links, the roster respondents search, and the snapshot a
closed round makes."""
