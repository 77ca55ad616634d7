"""Readers and writers of W3C Web Annotation, Hypothesis, ClaimReview and CSV. Pure, like domain."""
