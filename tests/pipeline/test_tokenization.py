import asyncio

from ai_service.pipeline.document import Document
from ai_service.pipeline.tokenization import TokenizationLayer, split_chunks, tokenize


def test_tokens_keep_offsets_apostrophes_and_hyphens():
    text = "Оплата O'Connor та Петрова-Сидорова №45, Мар'яна"
    toks = tokenize(text)
    words = [t.text for t in toks]
    assert words == ["Оплата", "O'Connor", "та", "Петрова-Сидорова", "№", "45", ",", "Мар'яна"]
    for t in toks:
        assert text[t.start:t.end] == t.text
    kinds = {t.text: (t.kind, t.script, t.lang) for t in toks}
    assert kinds["O'Connor"] == ("word", "latn", "en")
    assert kinds["45"] == ("number", "none", None)
    assert kinds["Мар'яна"][1:] == ("cyrl", "uk")


def test_token_language_from_letters_then_text_default():
    toks = tokenize("Иванову Ігорю Петрову", cyrillic_language="ru")
    assert [t.lang for t in toks] == ["ru", "uk", "ru"]


def test_chunks_cut_at_whitespace_and_lose_nothing():
    text = ("Оплата Петренку Олександру Васильовичу. " * 60).strip()
    chunks = split_chunks(text, 1000)
    assert len(chunks) > 1
    assert "".join(c for _, c in chunks) == text
    for off, chunk in chunks:
        assert text[off:off + len(chunk)] == chunk


def test_long_text_tokenized_in_chunks_equals_direct_and_lets_other_requests_run():
    text = ("Переказ коштів Коврикову Роману Валерійовичу, РНОКПП 3124509879. " * 80)[:5000]
    doc = Document(original=text, text=text)
    turns: list[int] = []

    async def other_request() -> None:
        for turn in range(1000):  # runs whenever the layer gives the loop a turn
            turns.append(turn)
            await asyncio.sleep(0)

    async def both() -> None:
        other = asyncio.ensure_future(other_request())
        await TokenizationLayer(1000).run(doc)
        other.cancel()

    asyncio.run(both())
    assert doc.chunks >= 5
    assert len(turns) >= doc.chunks - 1  # the loop served the other task between chunks
    direct = tokenize(text)
    assert [(t.text, t.start, t.end, t.script, t.lang) for t in doc.tokens] == \
        [(t.text, t.start, t.end, t.script, t.lang) for t in direct]


def test_one_enormous_token_is_not_split():
    text = "a" * 3000 + " Петро"
    chunks = split_chunks(text, 1000)
    assert chunks[0][1].strip() == "a" * 3000
