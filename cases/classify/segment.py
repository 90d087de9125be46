"""Chinese word segmentation with jieba: initialised once, lazily, quietly, with the taxonomy's words kept whole."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_tokenizer = None
_added: set[str] = set()


def _jieba_tokenizer():
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            # jieba logs its dictionary loading at INFO (and prints timings): keep it out of our logs.
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer = tokenizer
        return _tokenizer


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter words it must not split (keywords and phrases of the taxonomy)."""
    tokenizer = _jieba_tokenizer()
    with _lock:
        for word in words:
            word = word.strip()
            if word and word not in _added:
                # A high frequency makes jieba prefer the whole word over its parts.
                tokenizer.add_word(word, freq=max(2000, tokenizer.suggest_freq(word, tune=False)))
                _added.add(word)


def segment(text: str) -> list[str]:
    """Return the words of a text (precise mode), without blanks."""
    return [w for w in _jieba_tokenizer().lcut(text) if w.strip()]
