"""Token healing with a constraint: generate only tokens that agree with a given prefix.

The inline prompt stops before the word being typed, so the model must write the writer's half
word itself (see `desktop_app.inline.prompt`). Left free, it often writes another word, and the
probabilities it reports include the chance of the half word, which is no measure of how sure
it is of the rest. With `GenerationRequest.prefix`, each step keeps only the tokens that agree
with what is left of the prefix (a token that is a start of it, or one that begins with all of
it): the greedy text then always begins with the prefix, and each probability is conditional on
it. This is what Copilot and the guidance library call token healing.

`Vocabulary` holds every token's bytes, sorted so the agreeing tokens of any prefix are a few
binary searches, plus which tokens begin a new word (`Piece.break_prob`). It is read once per
model on the owner thread while the model loads (0.3-0.7 s for Gemma 3's 262,144 tokens).
"""

from __future__ import annotations

import ctypes
import unicodedata

import numpy as np

_PIECE_BUFFER = 256  # bytes
_WIDTH = 32  # bytes: longer pieces are never kept to a prefix
_SLICE = 8192  # pieces per numpy array made at once
_IN_WORD = "'’-_"  # characters that carry a word on, as letters and digits do


def begins_word_break(piece: bytes) -> bool:
    """True when a token's text begins with a space, punctuation or a line break (the word
    before it has ended), or is empty (an end-of-generation or control token)."""
    if not piece:
        return True
    for size in range(1, min(4, len(piece)) + 1):
        try:
            char = piece[:size].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if char.isalnum() or char in _IN_WORD:
            return False
        return not unicodedata.category(char).startswith("M")  # a combining mark: no break
    return False  # part of a multi-byte character: it goes on with what came before


class Vocabulary:
    """Every token's text as bytes, for prefix constraints and word-break probabilities."""

    def __init__(self, pieces: list[bytes]) -> None:
        # Fixed-width byte strings, so that numpy sorts them without holding the GIL: Python's
        # own sort of Gemma's 262,144 pieces held the GUI thread for 114 ms (measured).
        # Pieces longer than _WIDTH (379 of them, in rare scripts) are never kept to a prefix.
        # Made in slices: one np.array() over all of them held the GIL for 20-70 ms.
        table = np.concatenate(
            [
                np.array(
                    [p if len(p) <= _WIDTH else b"" for p in pieces[i : i + _SLICE]], f"S{_WIDTH}"
                )
                for i in range(0, max(1, len(pieces)), _SLICE)
            ]
        )
        self._ids = np.argsort(table, kind="stable")
        self._sorted = table[self._ids]  # 8 MB for Gemma; the table itself is not kept
        self._rank = np.empty_like(self._ids)
        self._rank[self._ids] = np.arange(len(self._ids))
        #: Which tokens begin a new word (index by token id).
        self.breaks = np.fromiter((begins_word_break(p) for p in pieces), bool, len(pieces))

    @classmethod
    def of(cls, llm) -> Vocabulary:
        """Read the vocabulary of a loaded `Llama` (call on its owner thread)."""
        import llama_cpp

        vocab = llm._model.vocab
        buffer = ctypes.create_string_buffer(_PIECE_BUFFER)
        eog = llama_cpp.llama_vocab_is_eog
        pieces = []
        for token in range(llm.n_vocab()):
            size = llama_cpp.llama_token_to_piece(vocab, token, buffer, _PIECE_BUFFER, 0, False)
            end = size > 0 and eog(vocab, token)  # the end of the generation breaks any word
            pieces.append(buffer.raw[:size] if size > 0 and not end else b"")
        return cls(pieces)

    def piece(self, token: int) -> bytes:
        """The text of `token` (empty for one never kept to a prefix)."""
        return bytes(self._sorted[self._rank[token]])

    def agreeing(self, rest: bytes) -> np.ndarray:
        """Ids of the tokens that agree with `rest`: each is a start of it or begins with it."""
        if len(rest) >= _WIDTH:
            return np.empty(0, np.int64)
        found = [self._between(rest[:size], rest[:size]) for size in range(1, len(rest))]
        found.append(self._between(rest, rest + b"\xff"))  # no UTF-8 text has the byte 0xff
        return np.unique(np.concatenate(found))

    def _between(self, low: bytes, high: bytes) -> np.ndarray:
        """Ids of the pieces from `low` to `high`, both included."""
        start = np.searchsorted(self._sorted, low, side="left")
        stop = np.searchsorted(self._sorted, high, side="right")
        return self._ids[start:stop]


class StepLogits:
    """One generation's logits processor: keep the tokens that agree with what is left of
    `prefix` (none once it is written), and hand each step's logits to `keep` (the job's
    probability bookkeeping) after that, so its probabilities are conditional on the prefix."""

    def __init__(self, vocabulary: Vocabulary | None, prefix: str, keep) -> None:
        self._vocabulary = vocabulary
        self._rest = prefix.encode("utf-8") if vocabulary is not None else b""
        self._keep = keep
        self._prompt_tokens: int | None = None
        self._consumed = 0

    def __call__(self, input_ids, scores):
        if self._rest:
            self._consume(input_ids)
        if self._rest:
            allowed = self._vocabulary.agreeing(self._rest)
            if allowed.size:
                masked = np.full_like(scores, -np.inf)
                masked[allowed] = scores[allowed]
                scores = masked
            else:
                self._rest = b""  # nothing agrees (a rare script): generate freely
        if self._keep is not None:
            self._keep(scores)
        return scores

    def _consume(self, input_ids) -> None:
        """Take the tokens sampled since the last step off what is left of the prefix."""
        if self._prompt_tokens is None:
            self._prompt_tokens = len(input_ids)
            return
        for token in input_ids[self._prompt_tokens + self._consumed :]:
            self._consumed += 1
            piece = self._vocabulary.piece(int(token))
            self._rest = self._rest[len(piece) :] if self._rest.startswith(piece) else b""
            if not self._rest:
                return
