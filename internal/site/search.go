package site

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// SearchConfig is the PostgreSQL text search configuration of each
// language: its Snowball dictionary where PostgreSQL ships one, else
// "simple" (Estonian, Icelandic, Latvian, Polish have none).
var SearchConfig = map[string]string{
	"en": "english", "da": "danish", "de": "german", "fi": "finnish", "lt": "lithuanian",
	"no": "norwegian", "ru": "russian", "sv": "swedish",
	"et": "simple", "is": "simple", "lv": "simple", "pl": "simple",
}

// suffixes are the inflection endings SearchTerms strips, longest first.
// SQLite's FTS5 has no stemmer for these languages; a query term reduced
// to its stem and matched as a prefix finds the inflected forms
// ("Kindern" finds "Kinder", "Kindes", "Kinderschutz"). PostgreSQL uses
// its own dictionaries (SearchConfig) instead.
var suffixes = map[string][]string{
	"en": {"ing", "ies", "es", "ed", "s"},
	"de": {"ern", "em", "en", "er", "es", "e", "n", "s"},
	"da": {"erne", "ene", "er", "en", "et", "e"},
	"no": {"ene", "er", "en", "et", "e"},
	"sv": {"arna", "erna", "orna", "ar", "er", "or", "en", "et", "na", "a", "e"},
	"fi": {"ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "t", "n"},
	"et": {"de", "te", "st", "s", "d"},
	"lt": {"ams", "ų", "ai", "as", "is", "us", "os", "ės", "a", "ė", "o"},
	"lv": {"iem", "ām", "as", "es", "is", "us", "u", "a", "s"},
	"pl": {"ami", "ach", "ów", "om", "y", "i", "a", "e", "u"},
	"ru": {"ами", "ями", "ах", "ях", "ов", "ей", "ам", "ом", "ы", "и", "а", "я", "е", "у", "ю"},
	"is": {"anna", "um", "ar", "ir", "a", "i", "s"},
}

// minStem is the shortest stem a term is cut to.
const minStem = 4

// SearchTerms splits a reader's query into lower-case terms without
// diacritics, each reduced to a stem for lang. At most 10 terms are kept.
func SearchTerms(q, lang string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		w = strings.ToLower(w)
		for _, suf := range suffixes[lang] {
			if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-utf8.RuneCountInString(suf) >= minStem {
				w = strings.TrimSuffix(w, suf)
				break
			}
		}
		out = append(out, fold(w))
		if len(out) == 10 {
			break
		}
	}
	return out
}

// fold removes diacritics as FTS5's remove_diacritics does.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Search finds published items in the reader's language and in English.
// An item found in both is listed once, in the reader's language.
func (s *Service) Search(ctx context.Context, q SearchQuery) ([]Hit, error) {
	q.Text = strings.TrimSpace(q.Text)
	if q.Text == "" {
		return nil, nil
	}
	if len(q.Text) > 200 {
		q.Text = q.Text[:200]
	}
	if !SupportedLang(q.Lang) {
		q.Lang = "en"
	}
	q.Now = s.Now()
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 50
	}
	terms := SearchTerms(q.Text, q.Lang)
	if len(terms) == 0 {
		return nil, nil
	}
	var hits []Hit
	err := s.store.View(ctx, func(tx Tx) error {
		raw, err := tx.Search(ctx, q, terms)
		if err != nil {
			return err
		}
		seen := map[int64]int{}
		for _, h := range raw {
			if i, ok := seen[h.Item.ID]; ok {
				if h.Lang == q.Lang {
					hits[i].Lang = h.Lang
				}
				continue
			}
			seen[h.Item.ID] = len(hits)
			hits = append(hits, h)
		}
		items := make([]*Item, len(hits))
		for i, h := range hits {
			items[i] = h.Item
		}
		return tx.LoadTexts(ctx, items, langs(q.Lang)...)
	})
	return hits, err
}
