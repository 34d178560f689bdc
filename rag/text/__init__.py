"""Text tools every stage shares: words and their folded forms, sentences, language."""
