"""Files in, chunks out: load (txt, md, html, pdf), clean, chunk, embed and
write them to the stores (index)."""
