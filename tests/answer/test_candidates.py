"""Rule-based answer candidates: names, numbers and dates with exact spans."""

from __future__ import annotations

import pytest

from rag.answer.candidates import (
    DATE,
    DESCRIPTION,
    EXPANSION,
    NAME,
    NUMBER,
    Candidate,
    capitalised_words,
    find_candidates,
    number_value,
    strip_elision,
)

ALL = {NAME, NUMBER, DATE}


def texts(sentence: str, kind: str, names_elsewhere: frozenset[str] = frozenset()) -> list[str]:
    return [c.text for c in find_candidates(sentence, {kind}, set(names_elsewhere))]


def assert_spans_exact(sentence: str, candidates: list[Candidate]) -> None:
    for c in candidates:
        assert sentence[c.start : c.end] == c.text, c


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("Les affrontements ont fait 353 blessés.", "353"),
        ("Douze avions ont atterri, puis douze autres.", "douze"),
        ("Au moins un millier de soldats sont arrivés.", "Au moins un millier"),
        ("Il y a eu au moins un millier de soldats.", "au moins un millier"),
        ("On compte des dizaines de morts.", "des dizaines"),
        ("Environ 1 200 hommes ont été déployés.", "Environ 1 200"),
        ("Ils ont envoyé 1 200 hommes.", "1 200"),
        ("The answer is 42.", "42"),
    ],
)
def test_numbers_are_found(sentence: str, number: str) -> None:
    found = find_candidates(sentence, {NUMBER}, set())
    assert number in [c.text for c in found]
    assert all(c.kind == NUMBER for c in found)
    assert_spans_exact(sentence, found)


def test_several_numbers_in_one_sentence_keep_their_order_and_spans() -> None:
    sentence = (
        "Au moins un millier de soldats, 353 blindés, douze avions, "
        "des dizaines de morts, 1 200 hommes et 42 chars."
    )
    found = find_candidates(sentence, {NUMBER}, set())
    assert [c.text for c in found] == [
        "Au moins un millier",
        "353",
        "douze",
        "des dizaines",
        "1 200",
        "42",
    ]
    assert [c.start for c in found] == sorted(c.start for c in found)
    assert_spans_exact(sentence, found)


@pytest.mark.parametrize(
    "sentence",
    [
        "Il y a un soldat et une femme.",
        "Un soldat est mort.",
        "Une femme a parlé.",
        "He saw a man.",
    ],
)
def test_an_indefinite_article_alone_is_not_a_number(sentence: str) -> None:
    assert texts(sentence, NUMBER) == []


def test_a_number_grouped_with_a_no_break_space_is_one_number() -> None:
    sentence = "Ils ont envoyé 1\u00a0200 hommes."
    assert texts(sentence, NUMBER) == ["1\u00a0200"]
    assert number_value("1\u00a0200") == 1200


@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        ("Le mercredi 5 janvier 2022, le gouvernement a démissionné.", "mercredi 5 janvier 2022"),
        ("Les troupes sont arrivées samedi dernier.", "samedi dernier"),
        ("Les troupes sont arrivées jeudi matin.", "jeudi matin"),
        ("La crise a éclaté en 2022.", "en 2022"),
        ("L’alliance a indiqué, ce jeudi matin, qu’elle partait.", "ce jeudi matin"),
        ("L’Arménie a confirmé ce matin sa participation.", "ce matin"),
        ("Armenia confirmed this morning that it takes part.", "this morning"),
        ("Hier soir, les troupes sont arrivées.", "Hier soir"),
        ("The troops arrived yesterday.", "yesterday"),
        ("Les troupes arrivent aujourd’hui.", "aujourd’hui"),
    ],
)
def test_dates_are_found(sentence: str, date: str) -> None:
    found = find_candidates(sentence, {DATE}, set())
    assert date in [c.text for c in found]
    assert all(c.kind == DATE for c in found)
    assert_spans_exact(sentence, found)


def test_an_english_date_with_a_weekday_is_found() -> None:
    sentence = "The talks ended on Friday, 3 March 2023 in Geneva."
    found = find_candidates(sentence, {DATE}, set())
    assert any("3 March 2023" in c.text for c in found)
    assert_spans_exact(sentence, found)


def test_a_date_is_not_also_read_as_numbers() -> None:
    sentence = "Le mercredi 5 janvier 2022, tout a changé."
    found = find_candidates(sentence, ALL, set())
    assert [(c.kind, c.text) for c in found] == [(DATE, "mercredi 5 janvier 2022")]


def test_an_elided_name_points_exactly_at_the_name() -> None:
    sentence = "Des soldats sont partis vers l’Arménie mardi."
    found = find_candidates(sentence, {NAME}, set())
    assert [c.text for c in found] == ["Arménie"]
    (armenia,) = found
    assert sentence[armenia.start : armenia.end] == "Arménie"
    assert armenia.start == sentence.index("Arménie")


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("La crise continue, selon Maria Zakharova.", "Maria Zakharova"),
        ("Le président Kassim-Jomart Tokaïev a parlé.", "Kassim-Jomart Tokaïev"),
        (
            "Un rapport du European Council on Foreign Relations est paru.",
            "European Council on Foreign Relations",
        ),
        ("Le pays a fait appel à l’OTSC mercredi.", "OTSC"),
        ("The country called on the CSTO for help.", "CSTO"),
    ],
)
def test_names_are_found_whole(sentence: str, name: str) -> None:
    found = find_candidates(sentence, {NAME}, set())
    assert name in [c.text for c in found]
    assert_spans_exact(sentence, found)


@pytest.mark.parametrize(
    "sentence",
    [
        "Toutefois, les soldats sont arrivés hier.",
        "Le gouvernement a démissionné.",
        "Des soldats sont arrivés hier.",
    ],
)
def test_a_capitalised_sentence_initial_common_word_is_not_a_name(sentence: str) -> None:
    assert texts(sentence, NAME) == []


def test_a_sentence_initial_word_is_a_name_when_capitalised_elsewhere() -> None:
    sentence = "Toutefois, la Russie a envoyé des troupes."
    assert texts(sentence, NAME) == ["Russie"]
    assert texts(sentence, NAME, frozenset({"toutefois"})) == ["Toutefois", "Russie"]


def test_a_sentence_initial_name_known_from_elsewhere_is_kept() -> None:
    sentence = "Moscou a envoyé des troupes."
    assert texts(sentence, NAME) == []
    assert texts(sentence, NAME, frozenset({"moscou"})) == ["Moscou"]


def test_le_kremlin_gives_kremlin() -> None:
    sentence = "Le Kremlin avait appelé au dialogue."
    found = find_candidates(sentence, {NAME}, set())
    assert [(c.text, c.start, c.end) for c in found] == [("Kremlin", 3, 10)]


def test_a_name_after_a_comma_at_the_start_is_kept() -> None:
    assert texts("Ensuite, la Russie a refusé.", NAME) == ["Russie"]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Mais la Russie a refusé.", "Russie"),
        ("Pour le Kremlin, c'est une menace.", "Kremlin"),
        (
            "Selon le European Council on Foreign Relations, c'est grave.",
            "European Council on Foreign Relations",
        ),
    ],
)
def test_a_name_joined_to_the_first_word_by_an_article_is_kept(sentence: str, name: str) -> None:
    assert name in texts(sentence, NAME)


@pytest.mark.parametrize(
    "sentence",
    [
        "Le mercredi 5 janvier 2022, au moins un millier de soldats de l’OTSC sont arrivés.",
        "Selon Maria Zakharova, 353 blessés et des dizaines de morts samedi dernier.",
        "The CSTO sent 2,500 troops on Friday, 3 March 2023 to Almaty, said Kassim-Jomart Tokaïev.",
        "« Nous n’avons pas peur », a dit l’Arménie en 2022 à l’ECFR.",
        "",
        "...",
    ],
)
def test_every_candidate_span_matches_its_text(sentence: str) -> None:
    found = find_candidates(sentence, ALL, set())
    assert_spans_exact(sentence, found)
    assert [c.start for c in found] == sorted(c.start for c in found)
    assert all(c.start < c.end for c in found)


def test_only_the_asked_kinds_are_returned() -> None:
    sentence = "Le 5 janvier 2022, 353 soldats de l’OTSC sont arrivés."
    assert {c.kind for c in find_candidates(sentence, {NUMBER}, set())} == {NUMBER}
    assert {c.kind for c in find_candidates(sentence, {NAME}, set())} == {NAME}
    assert find_candidates(sentence, set(), set()) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("douze", 12),
        ("Douze", 12),
        ("353", 353),
        ("1 200", 1200),
        ("2,500", 2500),
        ("twelve", 12),
        ("four thousand", 4000),
        ("quatre-vingt-dix", 90),
        ("au moins deux cents", 200),
        ("des dizaines", None),
        ("Maria", None),
    ],
)
def test_number_value(text: str, value: int | None) -> None:
    assert number_value(text) == value


@pytest.mark.parametrize(
    ("word", "stripped"),
    [
        ("l’Arménie", "Arménie"),
        ("l'Arménie", "Arménie"),
        ("d’Almaty", "Almaty"),
        ("qu’Ankara", "Ankara"),
        ("Arménie", "Arménie"),
        ("Lviv", "Lviv"),
    ],
)
def test_strip_elision(word: str, stripped: str) -> None:
    assert strip_elision(word) == stripped


def test_capitalised_words_keeps_mid_sentence_names_only() -> None:
    text = (
        "Toutefois, les soldats de l’OTSC sont arrivés au Kazakhstan. "
        "Moscou a envoyé des parachutistes, a dit Tokaïev."
    )
    words = capitalised_words(text)
    assert {"otsc", "kazakhstan", "tokaiev"} <= words
    assert "toutefois" not in words
    assert "moscou" not in words


def test_capitalised_words_keeps_a_name_right_after_the_first_word() -> None:
    assert {"maria", "zakharova"} <= capitalised_words("Selon Maria Zakharova, la crise continue.")


@pytest.mark.parametrize(
    ("sentence", "expansion"),
    [
        (
            "Une force de l’Organisation du traité de sécurité collective (OTSC) est partie.",
            "Organisation du traité de sécurité collective",
        ),
        (
            "explique-t-elle à l’European Council on Foreign Relations (ECFR).",
            "European Council on Foreign Relations",
        ),
        ("NATO (North Atlantic Treaty Organization) met.", "North Atlantic Treaty Organization"),
    ],
)
def test_an_acronym_s_expansion_is_found_either_side(sentence: str, expansion: str) -> None:
    found = find_candidates(sentence, {EXPANSION}, set())
    assert [(c.kind, c.text) for c in found] == [(EXPANSION, expansion)]
    assert_spans_exact(sentence, found)


@pytest.mark.parametrize(
    "sentence",
    [
        "Les pays de l’OTSC (Kazakhstan, Russie) ont voté.",
        "A small group (ABC) formed.",
    ],
)
def test_a_parenthesis_whose_initials_do_not_spell_the_acronym_is_no_expansion(
    sentence: str,
) -> None:
    assert find_candidates(sentence, {EXPANSION}, set()) == []


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("The museum holds four thousand objects.", "four thousand"),
        ("Il y a eu vingt et un morts.", "vingt et un"),
        ("Two hundred and fifty people came.", "Two hundred and fifty"),
        ("Le pays compte plus de 19 millions d’habitants.", "plus de 19 millions"),
    ],
)
def test_a_number_of_several_words_is_one_candidate(sentence: str, number: str) -> None:
    found = find_candidates(sentence, {NUMBER}, set())
    assert [c.text for c in found] == [number]
    assert_spans_exact(sentence, found)


def test_an_article_alone_is_no_number() -> None:
    assert find_candidates("Un homme et une femme, one of them.", {NUMBER}, set()) == []


@pytest.mark.parametrize(
    ("sentence", "description"),
    [
        (
            "Il parle, explique Marie Dumoulin, directrice de programme à l’ECFR.",
            "directrice de programme à l’ECFR",
        ),
        (
            "Un communiqué diffusé par la porte-parole de la diplomatie russe, Maria Zakharova.",
            "la porte-parole de la diplomatie russe",
        ),
        ("Tomas Reyes, the chief engineer, cut the ribbon.", "the chief engineer"),
        # A title before the name wins over the phrase after it.
        ("Its curator, Maria Lindqvist, said the museum reopened.", "Its curator"),
    ],
)
def test_an_apposition_beside_a_name_describes_it(sentence: str, description: str) -> None:
    found = find_candidates(sentence, {DESCRIPTION}, set())
    assert description in [c.text for c in found]
    assert_spans_exact(sentence, found)


def test_a_name_without_apposition_has_no_description() -> None:
    assert find_candidates("Il a décidé, poursuit Marie Dumoulin.", {DESCRIPTION}, set()) == []
