package cases

import (
	"bytes"
	"slices"

	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/linkage/normalize"
)

// Blind-index purposes. Each gives its own HMAC key, so an exact token and
// a phonetic key that happen to be spelt alike never give the same index.
// The labels are part of the derivation: never rename one (every index
// would have to be recomputed).
const (
	purposeName     = crypto.BlindIndexName // "name": canonical name tokens
	purposePhonetic = "name-phonetic"       // phonetic keys of name tokens
)

// nameTokens returns the canonical tokens of every name of the child: given
// names, family name and every alias, sorted and de-duplicated.
func nameTokens(c *Child) []string {
	var toks []string
	toks = append(toks, normalize.NameTokens(c.GivenNames)...)
	toks = append(toks, normalize.NameTokens(c.FamilyName)...)
	for _, a := range c.Aliases {
		toks = append(toks, normalize.NameTokens(a.Name)...)
	}
	slices.Sort(toks)
	return slices.Compact(toks)
}

// indexTokens returns the blind-index tokens of a child's names: for each
// canonical token an exact index and an index of its phonetic key.
func (s *Service) indexTokens(c *Child) []Token {
	var out []Token
	seen := map[string]bool{}
	add := func(kind TokenKind, h []byte) {
		k := string(kind) + string(h)
		if !seen[k] {
			seen[k] = true
			out = append(out, Token{Kind: kind, Hash: h})
		}
	}
	for _, t := range nameTokens(c) {
		add(TokenExact, s.index.BlindIndex(purposeName, t))
		if k := normalize.Key(t); k != "" {
			add(TokenPhonetic, s.index.BlindIndex(purposePhonetic, k))
		}
	}
	return out
}

// queryToken is one token of a search, with its two blind indexes.
type queryToken struct {
	exact, phonetic []byte // phonetic is nil when the token has no key
}

// queryTokens returns the tokens of a search text, de-duplicated.
func (s *Service) queryTokens(text string) []queryToken {
	var out []queryToken
	for _, t := range normalize.SortedTokens(text) {
		q := queryToken{exact: s.index.BlindIndex(purposeName, t)}
		if k := normalize.Key(t); k != "" {
			q.phonetic = s.index.BlindIndex(purposePhonetic, k)
		}
		out = append(out, q)
	}
	return out
}

// hashes returns every blind index of the query tokens, de-duplicated.
func hashes(qs []queryToken) [][]byte {
	var out [][]byte
	add := func(h []byte) {
		if h != nil && !slices.ContainsFunc(out, func(o []byte) bool { return bytes.Equal(o, h) }) {
			out = append(out, h)
		}
	}
	for _, q := range qs {
		add(q.exact)
		add(q.phonetic)
	}
	return out
}
