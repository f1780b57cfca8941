package sitehttp

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/site"
)

// The site's interface text: one JSON catalogue per site language,
// English the reference. Every catalogue must have exactly English's keys
// (checked at start and by a test); there is no fallback to English for
// interface text.

//go:embed locales/*.json
var localeFiles embed.FS

type catalog struct {
	msgs map[string]map[string]string
	// missing, when set (by tests), hears of every key asked for that the
	// catalogue lacks.
	missing func(lang, key string)
}

func loadCatalog() (*catalog, error) {
	c := &catalog{msgs: map[string]map[string]string{}}
	for _, l := range site.Languages {
		b, err := localeFiles.ReadFile("locales/" + l + ".json")
		if err != nil {
			return nil, fmt.Errorf("sitehttp: catalogue %s: %w", l, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("sitehttp: catalogue %s: %w", l, err)
		}
		c.msgs[l] = m
	}
	var problems []string
	for _, l := range site.Languages {
		for k := range c.msgs["en"] {
			if _, ok := c.msgs[l][k]; !ok {
				problems = append(problems, l+" lacks "+k)
			}
		}
		for k := range c.msgs[l] {
			if _, ok := c.msgs["en"][k]; !ok {
				problems = append(problems, l+" has "+k+", which English lacks")
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("sitehttp: catalogues: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

type translator struct {
	lang    string
	m       map[string]string
	missing func(lang, key string)
}

func (c *catalog) translator(lang string) *translator {
	return &translator{lang: lang, m: c.msgs[lang], missing: c.missing}
}

// T returns key's text with {name} placeholders filled from name/value
// pairs. A missing key shows as itself (the catalogue test fails first).
func (t *translator) T(key string, args ...any) string {
	s, ok := t.m[key]
	if !ok {
		if t.missing != nil {
			t.missing(t.lang, key)
		}
		return key
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Date formats a YYYY-MM-DD date or a time in the language's way.
func (t *translator) Date(d string) string {
	if len(d) != 10 {
		return d
	}
	m := atoi(d[5:7])
	if m < 1 || m > 12 {
		return d
	}
	return t.T("date.format", "d", atoi(d[8:10]), "month", t.T(fmt.Sprintf("month.%d", m)), "y", d[:4])
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// langNames are the languages' own names, for the language menu.
var langNames = map[string]string{
	"en": "English", "da": "Dansk", "de": "Deutsch", "et": "Eesti", "fi": "Suomi", "is": "Íslenska",
	"lt": "Lietuvių", "lv": "Latviešu", "no": "Norsk", "pl": "Polski", "ru": "Русский", "sv": "Svenska",
}
