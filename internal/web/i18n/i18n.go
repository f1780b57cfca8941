// Package i18n holds the message catalogues of the web interface and picks
// the language of a request.
//
// Catalogues are JSON files embedded in the binary (locales/<lang>.json),
// one per language, English being the reference: every other catalogue must
// have exactly English's keys. A message is either a string or, for counts,
// an object of CLDR plural forms ("one", "few", "many", "other") chosen by
// the argument named "n". Placeholders are written {name} and filled from
// name/value argument pairs, so that translators can reorder them.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var files embed.FS

// Languages are the supported interface languages, English first. The
// values are BCP 47 base language subtags, as stored in User.Language.
var Languages = []string{"en", "da", "de", "et", "fi", "is", "lt", "lv", "no", "pl", "ru", "sv"}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// message is one catalogue entry: a text, or plural forms.
type message struct {
	text  string
	forms map[string]string
}

// Catalog is every language's messages, loaded once at start.
type Catalog struct {
	msgs map[string]map[string]message

	mu      sync.RWMutex
	missing func(lang, key string)
}

// Load reads and checks the embedded catalogues: each must parse, and each
// must have exactly the keys of English, with the plural forms its language
// needs.
func Load() (*Catalog, error) {
	raw := map[string][]byte{}
	for _, lang := range Languages {
		b, err := files.ReadFile("locales/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", lang, err)
		}
		raw[lang] = b
	}
	msgs, err := parseAll(raw)
	if err != nil {
		return nil, err
	}
	return &Catalog{msgs: msgs}, nil
}

// CheckFiles parses and checks catalogues given as language → JSON, as
// Load does with the embedded ones; "en" is the reference.
func CheckFiles(files map[string][]byte) error {
	_, err := parseAll(files)
	return err
}

func parseAll(files map[string][]byte) (map[string]map[string]message, error) {
	msgs := make(map[string]map[string]message, len(files))
	langs := make([]string, 0, len(files))
	for lang, b := range files {
		m, err := parse(lang, b)
		if err != nil {
			return nil, err
		}
		msgs[lang] = m
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	if err := check(msgs, langs); err != nil {
		return nil, err
	}
	return msgs, nil
}

func parse(lang string, b []byte) (map[string]message, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("i18n: %s.json: %w", lang, err)
	}
	out := make(map[string]message, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out[k] = message{text: s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, fmt.Errorf("i18n: %s.json: key %q is neither a string nor plural forms", lang, k)
		}
		out[k] = message{forms: forms}
	}
	return out, nil
}

// check reports keys that a catalogue lacks or has beyond English, and
// plural messages without a form their language needs.
func check(msgs map[string]map[string]message, langs []string) error {
	en, ok := msgs["en"]
	if !ok {
		return fmt.Errorf("i18n: no English catalogue")
	}
	var problems []string
	for _, lang := range langs {
		m := msgs[lang]
		for k, em := range en {
			lm, ok := m[k]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s lacks %q", lang, k))
				continue
			}
			if (em.forms == nil) != (lm.forms == nil) {
				problems = append(problems, fmt.Sprintf("%s: %q is plural in one catalogue and not in the other", lang, k))
			}
			if lm.forms != nil {
				for _, f := range pluralForms(lang) {
					if _, ok := lm.forms[f]; !ok {
						problems = append(problems, fmt.Sprintf("%s: %q lacks plural form %q", lang, k, f))
					}
				}
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				problems = append(problems, fmt.Sprintf("%s has %q, which English lacks", lang, k))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("i18n: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Keys returns the keys of lang's catalogue, sorted.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether lang's catalogue has key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// OnMissing sets a function called when a translator is asked for a key
// its catalogue lacks: the server logs it, tests fail on it.
func (c *Catalog) OnMissing(f func(lang, key string)) {
	c.mu.Lock()
	c.missing = f
	c.mu.Unlock()
}

func (c *Catalog) reportMissing(lang, key string) {
	c.mu.RLock()
	f := c.missing
	c.mu.RUnlock()
	if f != nil {
		f(lang, key)
	}
}

// Translator returns the translator for lang, or for English when lang is
// not supported.
func (c *Catalog) Translator(lang string) *Translator {
	if !Supported(lang) {
		lang = "en"
	}
	return &Translator{lang: lang, msgs: c.msgs[lang], cat: c}
}

// Translator translates keys into one language.
type Translator struct {
	lang string
	msgs map[string]message
	cat  *Catalog
}

// Lang returns the translator's language.
func (t *Translator) Lang() string { return t.lang }

// T returns the message for key with its placeholders filled from args,
// given as name/value pairs: T("users.count", "n", 3). A plural message
// takes its form from the argument "n". A missing key is reported and
// returned as itself, so that the page still renders.
func (t *Translator) T(key string, args ...any) string {
	m, ok := t.msgs[key]
	if !ok {
		t.cat.reportMissing(t.lang, key)
		return key
	}
	text := m.text
	if m.forms != nil {
		n := 0
		for i := 0; i+1 < len(args); i += 2 {
			if args[i] == "n" {
				n = toInt(args[i+1])
			}
		}
		text = m.forms[PluralForm(t.lang, n)]
		if text == "" {
			text = m.forms["other"]
		}
	}
	if len(args) == 0 || !strings.Contains(text, "{") {
		return text
	}
	return fill(text, args)
}

// fill replaces each {name} in text by the value that follows name in
// args (the first, if named twice), leaving unknown names as they are.
// (A strings.Replacer built per call cost more than the page's lookups.)
func fill(text string, args []any) string {
	var b strings.Builder
	b.Grow(len(text) + 16)
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i+1:], '}')
		if j < 0 {
			break
		}
		name := text[i+1 : i+1+j]
		v, ok := arg(args, name)
		if !ok {
			b.WriteString(text[:i+1]) // the brace, then look again after it
			text = text[i+1:]
			continue
		}
		b.WriteString(text[:i])
		b.WriteString(v)
		text = text[i+2+j:]
	}
	b.WriteString(text)
	return b.String()
}

// arg returns the value named name in args, given as name/value pairs.
func arg(args []any, name string) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		k, ok := args[i].(string)
		if !ok {
			k = fmt.Sprint(args[i])
		}
		if k != name {
			continue
		}
		switch v := args[i+1].(type) {
		case string:
			return v, true
		case int:
			return strconv.Itoa(v), true
		default:
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

func toInt(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case int64:
		return int(x)
	case string:
		n, _ := strconv.Atoi(x)
		return n
	}
	return 0
}

// Negotiate picks the language for a request: the user's setting if it is
// supported, else the first supported language of the Accept-Language
// header in order of its q-values, else fallback.
func Negotiate(userSetting, acceptLanguage, fallback string) string {
	if Supported(userSetting) {
		return userSetting
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil {
			for _, tag := range tags {
				base, conf := tag.Base()
				if conf == language.No {
					continue
				}
				s := base.String()
				if s == "nb" || s == "nn" {
					s = "no" // Bokmål and Nynorsk read the Norwegian catalogue
				}
				if Supported(s) {
					return s
				}
			}
		}
	}
	if Supported(fallback) {
		return fallback
	}
	return "en"
}
