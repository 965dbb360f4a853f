"""How well providers' capability statements match a lot's text, in Chinese, English or both.

TF-IDF over character n-grams (scikit-learn), cosine similarity between the lot's text and each
provider's statements.

Why character n-grams (``analyzer="char_wb"``, 2 to 3 characters):

- Chinese is written without spaces, and a word segmenter (jieba and the like) brings a dictionary, a
  model and its own errors. Character bigrams need none of that: most Chinese words in this field are
  two or three characters (康复, 托养, 照护, 残疾人, 居家), so "重度残疾人居家托养" and
  "为重度残疾人提供居家照护" share 重度, 残疾, 疾人, 居家 whatever the word boundaries are.
- In English, 2-3 grams inside word boundaries catch shared stems without a stemmer: "rehabilitation"
  and "rehabilitate", "care" and "carer" share most of their n-grams.
- ``char_wb`` keeps n-grams inside whitespace-separated words, so a mixed statement does not produce
  n-grams that straddle a Chinese phrase and an English word.

``sublinear_tf`` (1 + log tf) stops a statement that repeats 照护 twenty times from outweighing one
that covers the service properly; IDF discounts n-grams every statement has (服务, "ser").

Text is normalised first (NFKC, so full-width letters, digits and punctuation become their ASCII
forms; lower case; punctuation to spaces, so clauses split like words).

Scoring is one sparse product. The cosine of L2-normalised tf-idf vectors is their dot product (what
``sklearn.metrics.pairwise.linear_kernel`` computes); the index keeps the matrix transposed, one row per
n-gram listing the documents that contain it (an inverted index), so a query reads only the rows of its
own n-grams: about 10 ms for 100,000 statements, against 0.6 s for ``linear_kernel`` on the sparse
document matrix. Scores are raw cosines in [0, 1]; the best match is not rescaled to 1.

Fitting: the vocabulary and IDF come from the documents plus any ``extra_texts`` given to ``build``
(the matcher passes the lot's text when it builds an index for one lot). An index built once and
queried with many lots uses the documents' IDF; IDF smoothing (``smooth_idf``, on by default) counts
one extra document holding every n-gram, which stands in for the query. N-grams found only in the
query have no column and cannot match anything anyway.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["RelevanceIndex", "make_vectorizer", "normalise"]

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str | None) -> str:
    """NFKC, lower case, runs of punctuation and symbols to one space. CJK characters count as word characters."""
    if not text:
        return ""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def make_vectorizer() -> TfidfVectorizer:
    """The vectoriser every index uses; the preprocessor does the lower-casing (see ``normalise``)."""
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 3),
        sublinear_tf=True,
        min_df=1,
        preprocessor=normalise,
        lowercase=False,
        dtype=np.float32,
    )


@dataclass(frozen=True, eq=False)
class RelevanceIndex:
    """TF-IDF vectors of a fixed set of providers' statements. Build once with ``build``; score many lots.

    ``ids`` are the providers' ids in column order of ``postings``, the transposed tf-idf matrix (one row
    per n-gram, L2-normalised document columns). With no usable text at all (no documents, or only
    blank or punctuation-only ones) there is no vectoriser and every score is 0.
    """

    ids: np.ndarray  # int64, one per document
    postings: sparse.csr_matrix  # n-grams x documents, float32
    vectorizer: TfidfVectorizer | None
    _sorted_ids: np.ndarray  # ids sorted, for vectorised id -> column look-ups
    _sorted_columns: np.ndarray

    @classmethod
    def build(cls, documents: Mapping[int, str], extra_texts: Iterable[str] = ()) -> RelevanceIndex:
        """Fit on the documents (and `extra_texts`, e.g. the lot's text, which get no column) and index them.

        Documents that are None or blank score 0 against everything.
        """
        ids = np.fromiter((int(key) for key in documents), dtype=np.int64, count=len(documents))
        texts = [text or "" for text in documents.values()]
        vectorizer: TfidfVectorizer | None = make_vectorizer()
        try:
            matrix = vectorizer.fit_transform(texts + [text or "" for text in extra_texts])[: len(texts)]
        except ValueError:  # empty vocabulary: nothing but blanks and punctuation
            vectorizer, matrix = None, sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        return cls._from(ids, sparse.csr_matrix(matrix.T, dtype=np.float32), vectorizer)

    @classmethod
    def _from(cls, ids: np.ndarray, postings: sparse.csr_matrix, vectorizer: TfidfVectorizer | None) -> RelevanceIndex:
        order = np.argsort(ids, kind="stable")
        return cls(ids, postings, vectorizer, ids[order], order)

    def __len__(self) -> int:
        return len(self.ids)

    def columns_of(self, ids: Iterable[int] | np.ndarray) -> np.ndarray:
        """Positions of `ids` in ``ids``, -1 for an id not in the index (vectorised binary search)."""
        wanted = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=np.int64).ravel()
        if not len(self.ids) or not len(wanted):
            return np.full(len(wanted), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted_ids, wanted), len(self._sorted_ids) - 1)
        return np.where(self._sorted_ids[at] == wanted, self._sorted_columns[at], -1)

    def restrict(self, ids: Iterable[int]) -> RelevanceIndex:
        """An index over only these providers (ids not in this index are ignored), sharing the vectoriser and IDF."""
        columns = self.columns_of(ids)
        columns = columns[columns >= 0]
        return self._from(self.ids[columns], sparse.csr_matrix(self.postings[:, columns]), self.vectorizer)

    def with_documents(self, documents: Mapping[int, str]) -> RelevanceIndex:
        """A copy where these providers' statements replace (or join) the indexed ones, keeping vocabulary and IDF.

        The cheap update for one changed organisation in a large market: its text is vectorised with the fitted
        vocabulary (n-grams the corpus never had are dropped until the next full ``build``), its old column is
        cleared and the new one added, in time linear in the index's size but without refitting.
        """
        if self.vectorizer is None:
            texts = dict(zip(self.ids.tolist(), [""] * len(self.ids), strict=True))
            return self.build({**texts, **documents})
        ids = np.fromiter((int(key) for key in documents), dtype=np.int64, count=len(documents))
        columns = self.columns_of(ids)
        added = ids[columns < 0]
        all_ids = np.concatenate([self.ids, added])
        columns[columns < 0] = np.arange(len(self.ids), len(all_ids))
        cleared = np.where(np.isin(self.postings.indices, columns), np.float32(0), self.postings.data)
        postings = sparse.csr_matrix((cleared, self.postings.indices, self.postings.indptr),
                                     shape=(self.postings.shape[0], len(all_ids)))
        vectors = sparse.coo_matrix(self.vectorizer.transform([text or "" for text in documents.values()]))
        fresh = sparse.csr_matrix((vectors.data, (vectors.col, columns[vectors.row])), shape=postings.shape,
                                  dtype=np.float32)
        postings = (postings + fresh).tocsr()
        postings.eliminate_zeros()
        return self._from(all_ids, postings, self.vectorizer)

    def _similarities(self, queries: list[str], columns: np.ndarray | None) -> np.ndarray:
        """Cosines, one row per query, one column per entry of `columns` (every document if None; -1 gives 0)."""
        width = len(self.ids) if columns is None else len(columns)
        if self.vectorizer is None or not width or not len(self.ids):
            return np.zeros((len(queries), width))
        vectors = sparse.csr_matrix(self.vectorizer.transform(queries))
        grams = np.unique(vectors.indices)  # the only n-grams that can contribute
        if not len(grams):
            return np.zeros((len(queries), width))
        weights = vectors[:, grams].toarray().T  # n-grams x queries, dense and small
        rows = self.postings[grams]
        if columns is not None and len(columns) * 4 < len(self.ids):  # a few candidates: only their columns
            sims = np.asarray(rows[:, np.maximum(columns, 0)].T @ weights).T
            sims = np.where(columns >= 0, sims, 0.0)
        else:
            sims = np.asarray(rows.T @ weights).T  # queries x documents: the dot products
            if columns is not None:
                sims = np.where(columns >= 0, sims[:, np.maximum(columns, 0)], 0.0)
        # Non-negative unit vectors: cosines lie in [0, 1]; clip float32 rounding (1.0000001).
        return np.clip(sims.astype(np.float64), 0.0, 1.0)

    def score_array(self, query: str, candidates: Iterable[int] | np.ndarray | None = None) -> np.ndarray:
        """Cosines as an array: aligned with `candidates` (0 for an id not in the index), else with ``ids``."""
        columns = None if candidates is None else self.columns_of(candidates)
        return self._similarities([query or ""], columns)[0]

    def score(self, query: str, candidates: Iterable[int] | None = None) -> dict[int, float]:
        """{provider id: cosine in [0, 1]} for every indexed provider, or only `candidates` if given.

        An empty query, or one sharing no n-gram with the corpus, gives all zeros.
        """
        return self.score_many([query], candidates)[0]

    def score_many(self, queries: Iterable[str], candidates: Iterable[int] | None = None) -> list[dict[int, float]]:
        """``score`` for several queries with one sparse product."""
        queries = [query or "" for query in queries]
        if not queries:
            return []
        ids = self.ids if candidates is None else np.asarray(list(candidates), dtype=np.int64)
        sims = self._similarities(queries, None if candidates is None else self.columns_of(ids))
        keys = ids.tolist()
        return [dict(zip(keys, row.tolist(), strict=True)) for row in sims]
