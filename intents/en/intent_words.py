"""Intent words (placeholder, replaced below)."""
def read_intent(a, t, spans, c):
    return None
