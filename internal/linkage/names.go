package linkage

import (
	"errors"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/linkage/normalize"
)

// The normalisers built on package normalize, for the population this
// network sees.
func init() {
	normalisers["name"] = normaliser{fn: normName,
		doc: "personal names: folded to ASCII (diacritics, Cyrillic and Arabic script transliterated), particles handled, variant spellings brought to one canonical spelling (normalize.NameTokens); particles shared by many (van, thi, de) dropped unless nothing else is left"}
	normalisers["text"] = normaliser{fn: normText,
		doc: "any text: folded to lower-case ASCII words (normalize.Fold)"}
	normalisers["sex"] = normaliser{fn: normSex, doc: "sex: m, f or o (also male/female/other in the region's languages, as normalize.Sex); empty or unknown sets no bits; anything else is an error"}
	normalisers["country"] = normaliser{fn: normCountry, doc: "a current ISO 3166-1 alpha-2 code (normalize.Country); anything else is an error"}
}

func normName(_ *Field, raw string, v *value) error {
	toks := normalize.NameTokens(raw)
	n := 0
	for _, t := range toks {
		if !normalize.IsParticle(t) {
			n++
		}
	}
	for _, t := range toks {
		if n == 0 || !normalize.IsParticle(t) {
			v.words = append(v.words, t)
		}
	}
	return nil
}

func normText(_ *Field, raw string, v *value) error {
	if s := normalize.Fold(raw); s != "" {
		v.words = append(v.words, strings.Fields(s)...)
	}
	return nil
}

// normSex and normCountry use the same rules as the case registry
// (normalize.Sex, normalize.Country), so that an encoding accepts exactly
// what a registration does. Unknown sex sets no bits.
func normSex(_ *Field, raw string, v *value) error {
	if normalize.IsMissing(raw) {
		return nil
	}
	sex, err := normalize.Sex(raw)
	if err != nil {
		return errors.New(errs.MessageOf(err))
	}
	if sex != "u" {
		v.words = append(v.words, sex)
	}
	return nil
}

func normCountry(_ *Field, raw string, v *value) error {
	if strings.TrimSpace(raw) == "" || normalize.IsMissing(raw) {
		return nil
	}
	c, err := normalize.Country(raw)
	if err != nil {
		return errors.New(errs.MessageOf(err))
	}
	v.words = append(v.words, c)
	return nil
}

// phoneticKey is the phonetic tokeniser's key of one canonical word.
func phoneticKey(w string) string { return normalize.Key(w) }
