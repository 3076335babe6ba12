"""Full-text search of the catalogue: French words folded and stemmed, title before description before the rest.

PostgreSQL matches with its own text search (configuration `french_unaccent`: unaccent, then the French Snowball
stemmer) on a weighted vector stored on each action model. Other databases match a search document stored on each
action model, folded and stemmed in Python by the same Snowball algorithm (`snowballstemmer`). Both sides receive
the same query words, prepared here, so the two databases find the same actions (docs/adr/004-recherche-catalogue.md).
"""

import functools

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Lower

from mobilisation.core.text import search_key

CONFIG = "french_unaccent"  # created by migration catalogue.0002 on PostgreSQL
LOCKDOWN_LABEL = "Alternative en période de confinement"
MAX_TERMS = 10  # a longer query keeps its first ten meaningful words

# Weight of the best field holding a word, summed over the query's words: title first.
WEIGHTS = {"a": 4, "b": 2, "c": 1}

# PostgreSQL's French stop words (tsearch_data/french.stop, from Snowball), plus a few it lacks ("les"). PostgreSQL
# checks its own after unaccent, so the accented ones never match a folded word: only unaccented ones are listed.
# A query never carries one of these to the database, so both databases ignore the same words.
STOP_WORDS = frozenset(
    str.split(
        """les leurs cet cette cela ca ceci celle celles celui ceux dont afin aussi
        au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me mes moi mon ne nos notre nous
        on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y
        suis es est sommes sont serai seras sera serons serez seront serais serait serions seriez seraient fus fut furent
        sois soit soyons soyez soient fusse fusses fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai
        as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait avions
        aviez avaient eut eurent aie aies ait ayons ayez aient eusse eusses eussions eussiez eussent"""
    )
)


@functools.cache
def _stemmer():
    return snowballstemmer.stemmer("french")


def words(text):
    """The words of a text as the search sees them: folded (no accents, lower case), split on anything else."""
    return search_key(text).split()


def stem(word):
    return _stemmer().stemWord(word)


def document(*, title, description, extra):
    """The stored search document: each stem once per field, tagged with the field's weight (" a:numero b:vert ")."""
    tokens = []
    for weight, text in (("a", title), ("b", description), ("c", extra)):
        seen = set()
        for word in words(text):
            if word not in STOP_WORDS and (stemmed := stem(word)) not in seen:
                seen.add(stemmed)
                tokens.append(f"{weight}:{stemmed}")
    return f" {' '.join(tokens)} " if tokens else ""


def extra_text(*, lockdown_alternative, publics, modalities, partner_kinds, indicators):
    """What the search reads besides the title and description, in one text of the lowest weight."""
    parts = [LOCKDOWN_LABEL, lockdown_alternative] if (lockdown_alternative or "").strip() else []
    parts += list(publics) + list(partner_kinds) + list(modalities)
    parts += [indicator.get("name", "") for indicator in indicators if isinstance(indicator, dict)]
    return "\n".join(part.strip() for part in parts if part and part.strip())


def forms(word):
    """The forms of a query word the search accepts: singular and plural, masculine and feminine.

    The stemmer already joins most of them; not "numéro"/"numéros" nor, once accents are gone, "isolé"/"isolée".
    """
    base = word
    if len(base) > 3 and base[-1] in "sx":
        base = base[:-1]
    if len(base) > 3 and base.endswith("ee"):
        base = base[:-1]
    candidates = [word, base, f"{base}s", f"{base}e", f"{base}es"]
    return list(dict.fromkeys(form for form in candidates if form not in STOP_WORDS))


def query_terms(query):
    """The meaningful words of a query, each with its accepted forms. Stop words, numbers and letters alone go."""
    terms = []
    for word in words(query or ""):
        if len(word) < 2 or word.isdigit() or word in STOP_WORDS:
            continue
        word_forms = forms(word)
        if word_forms not in terms:
            terms.append(word_forms)
    return terms[:MAX_TERMS]


def is_meaningful(query):
    return bool(query_terms(query))


def search(queryset, query):
    """Action models holding every meaningful word of the query (in one of its forms), best first.

    A query without a meaningful word filters nothing and keeps the queryset's order.
    """
    terms = query_terms(query)
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        matches, scores = _postgresql(terms)
    else:
        matches, scores = _stored_document(terms)
    score = sum(scores[1:], start=scores[0])
    return (
        queryset.filter(matches)
        .annotate(search_score=score)
        .order_by("-search_score", "theme__axis__order", "theme__order", "order", "title")
    )


def _stored_document(terms):
    def holds(stems, weights):
        condition = Q()
        for stemmed in stems:
            for weight in weights:
                condition |= Q(search_document__contains=f" {weight}:{stemmed} ")
        return condition

    matches, scores = Q(), []
    for word_forms in terms:
        stems = list(dict.fromkeys(stem(form) for form in word_forms))
        matches &= holds(stems, "abc")
        scores.append(
            Case(
                When(holds(stems, "a"), then=Value(WEIGHTS["a"])),
                When(holds(stems, "b"), then=Value(WEIGHTS["b"])),
                default=Value(WEIGHTS["c"]),
                output_field=IntegerField(),
            )
        )
    return matches, scores


def _searchable(field):
    # PostgreSQL's parser keeps "CCAS/CIAS", hosts and e-mail addresses whole; Python splits them into words.
    # Lower case first: unaccent turns a capital "Œ" into "OE", which the stemmer would then keep as it is.
    text = Lower(Coalesce(F(field), Value(""), output_field=TextField()))
    return Func(text, Value("/.@_"), Value("    "), function="translate", output_field=TextField())


def postgresql_vector():
    """The weighted vector of an action model, stored in `search_vector` on PostgreSQL by index_action_models."""
    return (
        SearchVector(_searchable("title"), config=CONFIG, weight="A")
        + SearchVector(_searchable("description"), config=CONFIG, weight="B")
        + SearchVector(_searchable("search_text"), config=CONFIG, weight="C")
    )


def _postgresql(terms):
    def any_form(word_forms, weight=""):
        # The forms are words of [a-z0-9] only (folded by search_key): nothing in them is tsquery syntax.
        return "(" + " | ".join(f"{form}{weight}" for form in word_forms) + ")"

    def query(text):
        return SearchQuery(text, config=CONFIG, search_type="raw")

    matches = Q(search_vector=query(" & ".join(any_form(word_forms) for word_forms in terms)))
    scores = [
        Case(
            When(search_vector=query(any_form(word_forms, ":A")), then=Value(WEIGHTS["a"])),
            When(search_vector=query(any_form(word_forms, ":B")), then=Value(WEIGHTS["b"])),
            default=Value(WEIGHTS["c"]),
            output_field=IntegerField(),
        )
        for word_forms in terms
    ]
    return matches, scores
