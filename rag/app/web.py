"""The web chat (Gradio): a thin shell over ``rag.Assistant``.

One Assistant is created at start, so models load once; Gradio's worker
threads share it. Besides the page, the app exposes the endpoint ``/ask``
(question, history) returning the same JSON object as ``rag ask --json``.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from rag.answer.question import Message
from rag.app.web_documents import documents_table, index_uploads, indexed_sources
from rag.app.web_view import CSS, SCRIPT, answer_html, draft_html, sources_html
from rag.assistant import Assistant
from rag.errors import RagError
from rag.ingest.load import SUPPORTED_SUFFIXES
from rag.records import Answer, Scope
from rag.settings import Settings

EXAMPLES = [
    "Who chairs the CSTO?",
    "How many security forces were killed?",
    "Where were the paratroopers deployed?",
    "Qui est la porte-parole de la diplomatie russe ?",
    "Quand le Kremlin a-t-il appelé au dialogue ?",
    "What is the population of Kazakhstan?",
]
CONCURRENT_QUESTIONS = 16

Chat = list[dict[str, Any]]


def build_app(assistant: Assistant) -> gr.Blocks:
    """The page: chat and sources side by side, documents and settings below."""
    settings = assistant.settings
    with gr.Blocks(title="Ask the article") as app:
        answers = gr.State({})  # index of an assistant message -> Answer.to_dict()
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chat = gr.Chatbot(elem_id="rag-chat", height=520, label="Chat")
                question = gr.Textbox(
                    elem_id="rag-question",
                    placeholder="Ask in English or French…",
                    show_label=False,
                    max_length=2000,
                )
                with gr.Row():
                    ask_button = gr.Button("Ask", variant="primary", elem_id="rag-ask")
                    clear_button = gr.Button("Clear chat", elem_id="rag-clear")
                gr.Examples(EXAMPLES, inputs=question, label="Examples")
            with gr.Column(scale=2, min_width=320):
                sources = gr.HTML(
                    "<p>Sources of the answer appear here.</p>",
                    elem_id="rag-sources",
                    label="Sources",
                    max_height=640,
                )
        with gr.Accordion("Documents", open=False):
            uploads = gr.File(
                file_count="multiple",
                file_types=sorted(SUPPORTED_SUFFIXES),
                label=f"Add .txt .md .html .pdf files (up to {settings.max_upload_mb} MB each)",
                elem_id="rag-upload",
            )
            upload_status = gr.Markdown(elem_id="rag-upload-status")
            listing = gr.Markdown(documents_table(assistant), elem_id="rag-documents")
            with gr.Row():
                to_remove = gr.Dropdown(
                    choices=indexed_sources(assistant), label="Indexed document", scale=3
                )
                remove_button = gr.Button("Remove from the index", scale=1)
        with gr.Accordion("Settings", open=False, elem_id="rag-settings"):
            top_k = gr.Slider(1, 10, value=settings.top_k, step=1, label="Passages (top k)")
            within = gr.Dropdown(
                choices=indexed_sources(assistant),
                multiselect=True,
                label="Search only these documents (none chosen: all)",
                elem_id="rag-within",
            )
            with gr.Row():
                since = gr.DateTime(
                    include_time=False, type="string", label="Published from", elem_id="rag-since"
                )
                until = gr.DateTime(
                    include_time=False, type="string", label="Published until", elem_id="rag-until"
                )
            mode = gr.Radio(
                assistant.modes,
                value=settings.mode if settings.mode in assistant.modes else "extractive",
                label="Answer mode",
                info="llm: a local LLM phrases the evidence; each claim is checked against it",
                visible=len(assistant.modes) > 1,
                elem_id="rag-mode",
            )

        def respond(
            text: str,
            history: Chat,
            k: float,
            answer_mode: str,
            documents: list[str] | None,
            first_day: str | None,
            last_day: str | None,
            known: dict[int, Any],
        ) -> Iterator[tuple[Chat, str, str, dict[int, Any]]]:
            scope = Scope.chosen(documents, first_day, last_day)
            choice = (int(k), answer_mode, scope)
            yield from _respond(assistant, text, history, choice, known)

        inputs = [question, chat, top_k, mode, within, since, until, answers]
        outputs = [chat, question, sources, answers]
        question.submit(respond, inputs, outputs, api_visibility="private")
        ask_button.click(respond, inputs, outputs, api_visibility="private")
        clear_button.click(
            lambda: ([], "", "<p>Sources of the answer appear here.</p>", {}),
            None,
            outputs,
            api_visibility="private",
        )

        def like(known: dict[int, Any], data: gr.LikeData) -> None:
            _record_feedback(settings.feedback_path, data, known)

        chat.like(like, [answers], None, api_visibility="private")

        def upload(
            paths: list[str] | None,
            progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio injects it)
        ) -> tuple[str, str, Any, Any]:
            status = index_uploads(assistant, paths or [], progress)
            choices = gr.update(choices=indexed_sources(assistant))
            return status, documents_table(assistant), choices, choices

        changed = [upload_status, listing, to_remove, within]
        uploads.upload(upload, uploads, changed, api_name="upload")

        def remove(source: str | None) -> tuple[str, str, Any, Any]:
            if not source:
                return (
                    "Choose a document first.",
                    documents_table(assistant),
                    gr.update(),
                    gr.update(),
                )
            removed = assistant.remove(source)
            message = f"Removed {Path(source).name} ({removed} chunks)."
            choices = indexed_sources(assistant)
            shown = gr.update(choices=choices, value=None)
            return message, documents_table(assistant), shown, gr.update(choices=choices, value=[])

        remove_button.click(remove, to_remove, changed, api_name="remove")

        def ask(
            question: str,
            history: list[dict[str, str]] | None = None,
            documents: list[str] | None = None,
            since: str = "",
            until: str = "",
        ) -> dict[str, Any]:
            """Answer a question (after the chat history) with cited evidence,
            from the named documents and those published from ``since`` to
            ``until`` (YYYY-MM-DD) only when given: the same JSON object as
            `rag ask --json`."""
            scope = Scope.chosen(documents, since, until)
            try:
                return assistant.ask(question, history or [], within=scope).to_dict()
            except RagError as error:
                raise gr.Error(str(error)) from error

        gr.api(ask, api_name="ask", concurrency_limit=CONCURRENT_QUESTIONS)
    return app


def _respond(
    assistant: Assistant,
    text: str,
    history: Chat,
    choice: tuple[int, str, Scope],
    known: dict[int, Any],
) -> Iterator[tuple[Chat, str, str, dict[int, Any]]]:
    """Stream the answer into the chat, then show its sources. Generated text
    shows as it comes, dimmed; the verified answer then replaces it.
    ``choice``: passages, answer mode, and the documents to search."""
    k, mode, within = choice
    past = _conversation(history, known)
    # The chat renders Markdown and HTML: the asker's words are shown as text.
    history = [*history, {"role": "user", "content": html.escape(text, quote=False)}]
    try:
        partial = ""
        for event in assistant.ask_stream(text, past, k, mode, within):
            if isinstance(event, Answer):
                known = {**known, len(history): event.to_dict()}
                reply = {"role": "assistant", "content": answer_html(event)}
                yield [*history, reply], "", sources_html(event), known
            else:
                partial += event
                reply = {"role": "assistant", "content": draft_html(partial)}
                yield [*history, reply], "", "", known
    except RagError as error:
        reply = {"role": "assistant", "content": f"⚠️ {error}"}
        yield [*history, reply], text, "", known


def _conversation(history: Chat, known: dict[int, Any]) -> list[Message]:
    """The chat as plain (role, content) messages: the asker's words, and the
    answers' text (not their HTML)."""
    messages = []
    for index, message in enumerate(history):
        if message["role"] == "assistant":
            content = (known.get(index) or {}).get("answer", "")
        else:
            content = html.unescape(_text(message["content"]))
        messages.append({"role": message["role"], "content": content})
    return messages


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(p.get("text", "") for p in content if isinstance(p, dict))


def _record_feedback(path: Path, data: gr.LikeData, known: dict[Any, Any]) -> None:
    """Append a thumbs up/down, with the question, answer and citations."""
    answer = known.get(data.index)
    if not answer:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "liked": data.liked if isinstance(data.liked, bool) else None,
        "question": answer["question"],
        "answer": answer["answer"],
        "citations": answer["citations"],
    }
    with path.open("a", encoding="utf-8") as feedback:
        feedback.write(json.dumps(record, ensure_ascii=False) + "\n")


def serve(settings: Settings | None = None, *, block: bool = True) -> gr.Blocks:
    """Build and launch the app as the settings say (address, auth, upload cap)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings or Settings()
    assistant = Assistant(settings)
    # Load the models and the index now, not on the first question (with
    # nothing indexed yet, uploads will build the index). The warm-up answers
    # extractively: loading the LLM is enough, generating would only delay the start.
    with contextlib.suppress(RagError):
        assistant.answerer()
        assistant.ask(EXAMPLES[0], mode="extractive")
    app = build_app(assistant)
    app.queue(default_concurrency_limit=CONCURRENT_QUESTIONS)
    auth = None
    if settings.ui_user and settings.ui_password:
        auth = (settings.ui_user, settings.ui_password.get_secret_value())
    app.launch(
        server_name=settings.ui_host,
        server_port=settings.ui_port,
        auth=auth,
        max_file_size=f"{settings.max_upload_mb}mb",
        css=CSS,
        head=SCRIPT,
        show_error=True,
        prevent_thread_lock=not block,
        quiet=True,
    )
    return app
