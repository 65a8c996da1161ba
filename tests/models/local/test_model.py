"""LocalModel runs the real bundled models on its owner thread."""

from __future__ import annotations

import os
import struct
import threading
import time
from pathlib import Path

import pytest

from models import registry
from models.base import Cancelled, GenerationRequest, ModelUnavailable, Priority, TextModel
from models.gate import GATE
from models.local.model import LocalModel

PROSE = (
    "The rain had stopped by the time Clara reached the station. She shook the water from her "
    "umbrella, bought a coffee from the kiosk by the gate, and sat on the bench under the clock. "
    "The train to the coast was late again, as it had been every morning that week, and the "
    "platform was filling with people who pretended not to mind. She opened her notebook and "
    "read the last thing she had written the night before: the letter was still in the drawer, "
    "and she had not decided whether to send it. Her brother would"
)


@pytest.fixture(scope="module")
def smollm2(tmp_path_factory):
    path = registry.bundled_path(registry.SMOLLM2_ID, tmp_path_factory.mktemp("unused"))
    model = LocalModel(path, n_ctx=2048, name="SmolLM2")
    yield model
    model.close()


def _run(model: LocalModel, **kwargs):
    stream = model.stream(GenerationRequest(**kwargs))
    pieces = list(stream)
    return pieces, stream.timings


def test_is_a_text_model(gemma: LocalModel) -> None:
    assert isinstance(gemma, TextModel)
    assert gemma.context_tokens == 2048
    assert 0 < gemma.count_tokens("The rain had stopped.") < 10


def test_prose_continuation_with_probs_and_timings(gemma: LocalModel) -> None:
    pieces, timings = _run(
        gemma, prompt=PROSE, max_tokens=8, want_probs=True, priority=Priority.REALTIME
    )
    text = "".join(p.text for p in pieces)
    assert text.strip()
    assert all(p.prob is not None and 0.0 < p.prob <= 1.0 for p in pieces)
    assert timings.prompt_tokens > 80
    assert 1 <= timings.evaluated_tokens <= timings.prompt_tokens
    assert 1 <= timings.generated_tokens <= 8
    assert timings.first_piece_ms is not None and 0 < timings.first_piece_ms <= timings.total_ms
    assert timings.queued_ms >= 0


def test_greedy_probability_is_the_top_choice(gemma: LocalModel) -> None:
    # A continuation the model is sure of: greedy picks the argmax, whose probability is high.
    pieces, _ = _run(
        gemma, prompt="One, two, three, four, five, six,", max_tokens=2, want_probs=True
    )
    assert pieces[0].text.strip()
    assert pieces[0].prob > 0.5
    plain, _ = _run(gemma, prompt="One, two, three, four, five, six,", max_tokens=2)
    assert [p.text for p in plain] == [p.text for p in pieces]
    assert all(p.prob is None for p in plain)


def test_extending_the_prompt_reuses_the_prefix_cache(gemma: LocalModel) -> None:
    _run(gemma, prompt=PROSE, max_tokens=4)
    _pieces, timings = _run(gemma, prompt=PROSE + " never forgive", max_tokens=4)
    assert timings.prompt_tokens > 80
    assert timings.evaluated_tokens <= 5
    # A prompt whose start changes loses the cache.
    _pieces, cold = _run(gemma, prompt="Meanwhile, " + PROSE, max_tokens=1)
    assert cold.evaluated_tokens > 80


def test_stop_sequences_end_the_text(gemma: LocalModel) -> None:
    pieces, timings = _run(gemma, prompt="One, two, three, four,", max_tokens=12, stop=(",",))
    text = "".join(p.text for p in pieces)
    assert "," not in text
    assert text.strip() and timings.generated_tokens < 12  # it stopped at the comma


def test_cancel_mid_stream_stops_within_a_token(gemma: LocalModel) -> None:
    request = GenerationRequest(prompt=PROSE, max_tokens=200, priority=Priority.REALTIME)
    stream = gemma.stream(request)
    seen = 0
    with pytest.raises(Cancelled):
        for _piece in stream:
            seen += 1
            if seen == 3:
                at_cancel = stream.timings.generated_tokens
                request.cancel.set()
    assert stream.timings.generated_tokens <= at_cancel + 1
    # The model is free again at once, and the interrupted run left its prefix cache usable.
    pieces, timings = _run(gemma, prompt=PROSE, max_tokens=2, priority=Priority.REALTIME)
    assert pieces
    assert timings.evaluated_tokens <= 2


def test_closing_a_stream_frees_the_model(gemma: LocalModel) -> None:
    stream = gemma.stream(GenerationRequest(prompt=PROSE, max_tokens=200))
    next(stream)
    stream.close()
    _pieces, timings = _run(gemma, prompt=PROSE, max_tokens=1)
    assert timings.queued_ms < 1000  # a 200-token run would take seconds


def test_cancel_while_queued_returns_at_once(gemma: LocalModel) -> None:
    busy = GenerationRequest(prompt=PROSE, max_tokens=200)
    busy_stream = gemma.stream(busy)
    next(busy_stream)
    queued = GenerationRequest(prompt=PROSE, max_tokens=4)
    queued_stream = gemma.stream(queued)
    queued.cancel.set()
    with pytest.raises(Cancelled):
        next(queued_stream)
    assert busy_stream.timings.generated_tokens < 150  # did not wait for the busy job
    busy.cancel.set()
    with pytest.raises(Cancelled):
        list(busy_stream)


def test_realtime_request_jumps_the_queue(gemma: LocalModel) -> None:
    busy = GenerationRequest(prompt=PROSE, max_tokens=200)
    busy_stream = gemma.stream(busy)
    next(busy_stream)  # running now
    created_background = time.perf_counter()
    background = gemma.stream(GenerationRequest(prompt=PROSE, max_tokens=2))
    created_realtime = time.perf_counter()
    realtime = gemma.stream(
        GenerationRequest(prompt=PROSE, max_tokens=2, priority=Priority.REALTIME)
    )
    busy.cancel.set()
    with pytest.raises(Cancelled):
        list(busy_stream)
    list(realtime)
    list(background)
    started_realtime = created_realtime + realtime.timings.queued_ms / 1000
    started_background = created_background + background.timings.queued_ms / 1000
    assert started_realtime < started_background


def test_realtime_work_pauses_background_work_on_another_model(
    gemma: LocalModel, smollm2: LocalModel, monkeypatch
) -> None:
    rewrite = GenerationRequest(
        messages=[{"role": "user", "content": "Write a long story about a lighthouse keeper."}],
        max_tokens=400,
    )
    rewrite_stream = smollm2.stream(rewrite)
    # Count the rewrite's tokens at the moments the realtime job enters and leaves the gate.
    counts: list[int] = []
    enter, leave = GATE.enter_realtime, GATE.exit_realtime

    def counting_enter() -> None:
        enter()
        counts.append(rewrite_stream.timings.generated_tokens)

    def counting_leave() -> None:
        counts.append(rewrite_stream.timings.generated_tokens)
        leave()

    monkeypatch.setattr(GATE, "enter_realtime", counting_enter)
    monkeypatch.setattr(GATE, "exit_realtime", counting_leave)
    pieces: list[str] = []
    reader = threading.Thread(target=lambda: pieces.extend(p.text for p in _drain(rewrite_stream)))
    reader.start()
    try:
        while rewrite_stream.timings.generated_tokens < 3:
            time.sleep(0.01)  # wait for the rewrite to be decoding (polling a live counter)
        inline, timings = _run(gemma, prompt=PROSE, max_tokens=16, priority=Priority.REALTIME)
    finally:
        rewrite.cancel.set()
        reader.join()
    assert inline and timings.generated_tokens >= 8
    entered, left = counts
    # Without the gate the rewrite would decode about as many tokens as the inline job meanwhile.
    assert left - entered <= 1


def _drain(stream):
    try:
        yield from stream
    except Cancelled:
        return


def test_chat_messages_with_smollm2(smollm2: LocalModel) -> None:
    pieces, timings = _run(
        smollm2,
        messages=[
            {"role": "system", "content": "You rewrite text. Reply with the rewritten text only."},
            {"role": "user", "content": "Make this formal: hey, the meeting moved to 3pm, ok?"},
        ],
        max_tokens=40,
        want_probs=True,
    )
    text = "".join(p.text for p in pieces)
    assert len(text.split()) >= 3
    assert "<|im" not in text
    assert all(0.0 < p.prob <= 1.0 for p in pieces)
    assert timings.generated_tokens >= 3


def test_counting_tokens_never_touches_the_generating_llama(
    smollm2: LocalModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Llama is not thread-safe, tokenize included: a rewrite job counting tokens while the
    # owner thread generates must not call into the owner's Llama.
    owner = smollm2._thread
    calls: list[str] = []
    real = smollm2._llm.tokenize

    def watched(*args, **kwargs):
        if threading.current_thread() is not owner:
            calls.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(smollm2._llm, "tokenize", watched)
    stream = smollm2.stream(
        GenerationRequest(prompt="Once upon a time", max_tokens=24, priority=Priority.BACKGROUND)
    )
    counts = [
        smollm2.count_tokens("The quick brown fox jumps over the lazy dog.") for _ in range(50)
    ]
    text = "".join(piece.text for piece in stream)
    assert calls == []
    assert len(set(counts)) == 1 and 8 <= counts[0] <= 14
    assert text


def test_a_seed_makes_sampling_repeatable_and_another_seed_varies_it(smollm2: LocalModel) -> None:
    messages = [
        {"role": "system", "content": "You write short stories."},
        {"role": "user", "content": "Write one sentence about a lighthouse keeper."},
    ]

    def sample(seed: int) -> str:
        pieces, _ = _run(smollm2, messages=messages, max_tokens=24, temperature=0.9, seed=seed)
        return "".join(p.text for p in pieces)

    first = sample(11)
    assert first.strip() and sample(11) == first  # the same seed: the same text
    assert any(sample(seed) != first for seed in (12, 13, 14))  # another seed: another text


def test_too_long_prompt_is_a_model_error(smollm2: LocalModel) -> None:
    from models.base import ModelError

    with pytest.raises(ModelError, match="too long"):
        _run(smollm2, prompt="word " * 3000, max_tokens=4)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="not found"):
        LocalModel(tmp_path / "missing.gguf", name="Missing")


def test_truncated_file(tmp_path: Path) -> None:
    source = registry.bundled_path(registry.SMOLLM2_ID, tmp_path)
    cut = tmp_path / "cut.gguf"
    with source.open("rb") as src:
        cut.write_bytes(src.read(30_000_000))
    with pytest.raises(ModelUnavailable, match="truncated"):
        LocalModel(cut, name="Cut")


def test_file_llama_cpp_rejects(tmp_path: Path) -> None:
    # A whole, well-formed GGUF header for an architecture llama.cpp does not know.
    key, value = b"general.architecture", b"no-such-architecture"
    header = b"GGUF" + struct.pack("<IQQ", 3, 0, 1)
    header += struct.pack("<Q", len(key)) + key + struct.pack("<I", 8)
    header += struct.pack("<Q", len(value)) + value
    odd = tmp_path / "odd.gguf"
    odd.write_bytes(header)
    threads_before = set(threading.enumerate())
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        LocalModel(odd, name="Odd")
    assert set(threading.enumerate()) <= threads_before


def test_close_stops_the_owner_thread(tmp_path: Path) -> None:
    path = registry.bundled_path(registry.SMOLLM2_ID, tmp_path)
    threads_before = set(threading.enumerate())
    model = LocalModel(path, n_ctx=512, name="Short-lived")
    queued = model.stream(GenerationRequest(prompt=PROSE, max_tokens=100))
    model.close()
    assert set(threading.enumerate()) <= threads_before
    with pytest.raises((ModelUnavailable, Cancelled)):
        list(queued)
    with pytest.raises(ModelUnavailable, match="closed"):
        model.stream(GenerationRequest(prompt="Hello"))
    with pytest.raises(ModelUnavailable, match="closed"):
        model.count_tokens("Hello")


def test_llama_cpp_says_nothing_on_the_terminal(capfd) -> None:
    # Gemma's sliding-window cache makes llama.cpp log a line on load even with verbose=False.
    path = registry.bundled_path(registry.GEMMA_ID, Path(os.environ["INKLING_MODELS_DIR"]))
    capfd.readouterr()
    model = LocalModel(path, n_ctx=512, name="Quiet")
    try:
        _run(model, prompt="Hello", max_tokens=2)
    finally:
        model.close()
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


STORY = [{"role": "user", "content": "Write a short story about a lighthouse keeper and a storm."}]


def _text(stream) -> str:
    return "".join(piece.text for piece in stream)


def test_realtime_preempts_background_on_the_same_model(smollm2: LocalModel) -> None:
    reference = _text(smollm2.stream(GenerationRequest(messages=STORY, max_tokens=40)))
    _text(smollm2.stream(GenerationRequest(prompt=PROSE, max_tokens=2, priority=Priority.REALTIME)))

    background = smollm2.stream(GenerationRequest(messages=STORY, max_tokens=40))
    pieces = [next(background).text for _ in range(5)]
    realtime = smollm2.stream(
        GenerationRequest(prompt=PROSE + " never", max_tokens=3, priority=Priority.REALTIME)
    )
    assert _text(realtime)
    assert background.timings.generated_tokens < 40  # served in the middle of the background job
    assert realtime.timings.evaluated_tokens <= 3  # its own prefix cache was kept
    pieces += [piece.text for piece in background]
    # The background job carried on exactly where it stopped.
    assert "".join(pieces) == reference


def test_realtime_preempts_a_background_prompt_evaluation(smollm2: LocalModel) -> None:
    long_prompt = PROSE + " " + PROSE.replace("Clara", "Maria") + " " + PROSE.replace("She", "Ann")
    fresh = LocalModel(smollm2.path, n_ctx=2048, name="Reference")
    try:
        reference = _text(fresh.stream(GenerationRequest(prompt=long_prompt, max_tokens=6)))
    finally:
        fresh.close()

    created_background = time.perf_counter()
    background = smollm2.stream(GenerationRequest(prompt=long_prompt, max_tokens=6))
    while background.timings.queued_ms == 0:
        time.sleep(0.001)  # until the owner thread has started it (a live field, set once)
    created_realtime = time.perf_counter()
    realtime = smollm2.stream(
        GenerationRequest(prompt="One, two, three,", max_tokens=2, priority=Priority.REALTIME)
    )
    assert _text(realtime).strip().startswith("four")
    assert _text(background) == reference
    # The realtime job ended before the background job had finished evaluating its prompt.
    realtime_end_ms = (created_realtime - created_background) * 1000 + realtime.timings.total_ms
    assert realtime_end_ms < background.timings.first_piece_ms
    assert background.timings.evaluated_tokens == background.timings.prompt_tokens > 300
