"""A question and its passages in, a cited answer or an abstention out:
question analysis, answer candidates, evidence sentences, the extractive
and calibrated answerers, citations and the asker's language."""
