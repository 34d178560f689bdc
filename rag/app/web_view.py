"""HTML of the web chat: an answer with clickable [n], and its sources panel.

Pure functions of an Answer. Every piece of document or question text is
escaped here, so markup in a document (``<script>``, ``onerror=``, a
``javascript:`` link) is shown as text and never runs.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from rag.records import Answer, Citation, Passage

_ESCAPED_MARKER = re.compile(r"&#91;(\d+)&#93;")

CSS = """
.rag-cite { font-weight: 600; text-decoration: none; padding: 0 1px; }
.rag-abstained { border-left: 4px solid #9ca3af; padding: 4px 10px; color: #4b5563;
  font-style: italic; }
.rag-source { border: 1px solid #d1d5db; border-radius: 8px; padding: 8px 10px;
  margin-bottom: 10px; scroll-margin-top: 8px; }
.rag-source:target, .rag-source.rag-focus { outline: 3px solid #f59e0b; }
.rag-source h4 { margin: 0 0 4px 0; font-size: 0.95em; }
.rag-source .rag-where { color: #6b7280; font-size: 0.8em; margin-bottom: 6px; }
.rag-source p { white-space: pre-wrap; margin: 0; overflow-wrap: anywhere; }
.rag-source mark { background: #fde68a; padding: 0 1px; }
.rag-other { opacity: 0.55; }
.rag-draft { color: #6b7280; }
.rag-removed { color: #9ca3af; font-size: 0.85em; }
.rag-removed s { text-decoration-thickness: 1px; }
.rag-note { color: #6b7280; font-size: 0.85em; }
"""

# Clicking [n] in the chat scrolls the sources panel to passage n and marks it.
SCRIPT = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.rag-cite");
  if (!link) return;
  event.preventDefault();
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  document.querySelectorAll(".rag-focus").forEach((e) => e.classList.remove("rag-focus"));
  target.classList.add("rag-focus");
  target.scrollIntoView({behavior: "smooth", block: "start"});
}, true);
</script>
"""


def answer_html(answer: Answer) -> str:
    """The chat message: escaped answer text whose [n] link to source n."""
    text = html.escape(answer.answer, quote=False)
    if answer.abstained:
        searched = html.escape(answer.question, quote=False)
        return (
            f'<div class="rag-abstained">{text}<br>'
            f"<small>Searched {len(answer.passages)} passages for: {searched}</small></div>"
        )
    linked = _ESCAPED_MARKER.sub(
        lambda m: f'<a class="rag-cite" href="#rag-source-{m.group(1)}">[{m.group(1)}]</a>',
        _escape(answer.answer),
    )
    return linked + _removed_html(answer)


def draft_html(text: str) -> str:
    """Generated text as it streams, before verification: escaped and dimmed."""
    return f'<span class="rag-draft">{_escape(text)}</span>'


def _removed_html(answer: Answer) -> str:
    """The generated sentences verification removed, struck through, and the
    note of a fallback: a reader sees what was not kept and why."""
    parts = [
        f'<div class="rag-removed">Removed, unverified: <s>{_escape(u["sentence"])}</s> '
        f"({_escape(u['reason'])})</div>"
        for u in answer.unverified
    ]
    if answer.note:
        parts.append(f'<div class="rag-note">{_escape(answer.note)}</div>')
    return "".join(parts)


def _escape(text: str) -> str:
    """Text shown as text: no HTML, and (the chat renders Markdown) no
    brackets that could form a link."""
    return html.escape(text, quote=False).replace("[", "&#91;").replace("]", "&#93;")


def sources_html(answer: Answer) -> str:
    """Cited passages with their quote highlighted, then the other retrieved
    passages, dimmed."""
    cited = {c.chunk_id for c in answer.citations}
    parts = [_cited_card(c, answer) for c in answer.citations]
    others = [p for p in answer.passages if p.chunk.id not in cited]
    if others:
        parts.append("<h4>Other retrieved passages</h4>")
        parts += [_other_card(p) for p in others]
    return "\n".join(parts) or "<p>No passage was retrieved.</p>"


def _cited_card(citation: Citation, answer: Answer) -> str:
    passage = next((p for p in answer.passages if p.chunk.id == citation.chunk_id), None)
    title = passage.chunk.title if passage else Path(citation.source).name
    local = citation.text.find(citation.quote)
    if local < 0:  # cannot happen for a verified citation; show it plainly
        body = html.escape(citation.text, quote=False)
    else:
        end = local + len(citation.quote)
        body = (
            html.escape(citation.text[:local], quote=False)
            + f"<mark>{html.escape(citation.quote, quote=False)}</mark>"
            + html.escape(citation.text[end:], quote=False)
        )
    return (
        f'<div class="rag-source" id="rag-source-{citation.n}">'
        f"<h4>[{citation.n}] {html.escape(title, quote=False)}</h4>"
        f'<div class="rag-where">{html.escape(Path(citation.source).name, quote=False)}, '
        f"characters {citation.start}–{citation.end}</div><p>{body}</p></div>"
    )


def _other_card(passage: Passage) -> str:
    chunk = passage.chunk
    return (
        f'<div class="rag-source rag-other"><h4>{html.escape(chunk.title, quote=False)}</h4>'
        f'<div class="rag-where">{html.escape(Path(chunk.source).name, quote=False)}, '
        f"characters {chunk.start}–{chunk.end}, score {passage.score:.3f}</div>"
        f"<p>{html.escape(chunk.text, quote=False)}</p></div>"
    )
