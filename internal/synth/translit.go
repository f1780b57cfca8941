package synth

import (
	"strings"
	"unicode"
)

// lang is the language a Cyrillic name is written in: the letters differ
// (Ukrainian и is y, Russian и is i; Ukrainian and Belarusian г is h).
type lang uint8

const (
	langUK lang = iota // Ukrainian
	langRU             // Russian
	langBE             // Belarusian
)

// system is a transliteration system from Cyrillic to Latin letters.
type system uint8

const (
	sysNational system = iota // the passport system of the name's language: Ukraine 2010, Belarus, Russia ICAO 2013
	sysEnglish                // BGN/PCGN-like English spelling (Yuliya, Andriy, Dmitriy)
	sysGerman                 // German Duden spelling (Schewtschenko, Julija, Sergej)
	sysPolish                 // Polish spelling (Szewczenko, Ołeksandr, Siergiej)
	nSystems
)

func isCyrVowel(r rune) bool { return strings.ContainsRune("аеёиоуыэюяіїє", r) }

// translit transliterates a Cyrillic name written in language l with system
// sys. The systems are simplified but produce the spellings officials in the
// region actually write: Oleksandr, Aleksandr, Ołeksandr; Shevchenko,
// Schewtschenko, Szewczenko; Iuliia, Yuliya, Julija.
func translit(s string, l lang, sys system) string {
	rs := []rune(strings.ToLower(s))
	var b strings.Builder
	for i, r := range rs {
		var p, n rune // previous and next letter, 0 at word boundaries
		if i > 0 && rs[i-1] != ' ' && rs[i-1] != '-' {
			p = rs[i-1]
		}
		if i+1 < len(rs) && rs[i+1] != ' ' && rs[i+1] != '-' {
			n = rs[i+1]
		}
		b.WriteString(letter(r, p, n, l, sys))
	}
	return titleWords(b.String())
}

// letter renders one Cyrillic letter r between p and n.
func letter(r, p, n rune, l lang, sys system) string {
	start := p == 0
	// soft: after a vowel, a soft or hard sign or an apostrophe, iotated
	// vowels are written with their y/j glide, as at the start of a word.
	soft := start || isCyrVowel(p) || p == 'ь' || p == 'ъ' || p == '\'' || p == '’'
	hush := p == 'ж' || p == 'ш' || p == 'ч' || p == 'щ' || p == 'ц'
	de, pl := sys == sysGerman, sys == sysPolish
	// iot renders an iotated vowel whose plain vowel is v: with its glide
	// (y, j) or with i after a consonant, as each system prescribes.
	iot := func(v string) string {
		switch {
		case pl && (p == 'л' || hush):
			return v // Polish l carries the softness itself: Natala, Lubow
		case de:
			return "j" + v
		case pl && soft:
			return "j" + v
		case pl:
			return "i" + v
		case sys == sysEnglish:
			return "y" + v
		case l == langUK && start, l == langBE && soft:
			return "y" + v
		}
		return "i" + v // Ukraine 2010 inside a word, ICAO everywhere: Mariia, Iuliia
	}
	switch r {
	case 'а':
		return "a"
	case 'б':
		return "b"
	case 'в':
		if de || pl {
			return "w"
		}
		return "v"
	case 'г':
		if l == langRU {
			return "g"
		}
		if l == langUK && sys == sysNational && p == 'з' {
			return "gh" // Zghurskyi: the 2010 rule that keeps зг apart from ж
		}
		return "h"
	case 'ґ':
		return "g"
	case 'д':
		return "d"
	case 'е':
		switch {
		case l == langUK || (sys == sysNational && l == langRU):
			return "e"
		case pl && (p == 'л' || hush):
			return "e"
		case pl && soft:
			return "je"
		case pl:
			return "ie" // Siergiej
		case !soft:
			return "e"
		}
		return iot("e")
	case 'ё':
		if sys == sysNational && l == langRU {
			return "e"
		}
		if hush && !pl {
			return "o"
		}
		return iot("o")
	case 'є':
		if sys == sysNational && !start {
			return "ie"
		}
		return iot("e")
	case 'ж':
		switch {
		case de:
			return "sch"
		case pl:
			return "ż"
		}
		return "zh"
	case 'з':
		if de {
			return "s"
		}
		return "z"
	case 'и':
		if l == langUK || (pl && hush) {
			return "y"
		}
		return "i"
	case 'і':
		return "i"
	case 'ї':
		switch {
		case sys == sysNational && !start:
			return "i"
		case de || pl:
			return "ji"
		}
		return "yi"
	case 'й':
		switch {
		case de && (p == 'и' || p == 'ы') && l == langRU:
			return "" // Dmitri, Juri
		case sys == sysNational && l == langBE && p == 'ы':
			return "" // Dzmitry
		case de || pl:
			return "j"
		case sys == sysEnglish:
			return "y"
		case sys == sysNational && l == langUK && start:
			return "y"
		}
		return "i"
	case 'к':
		return "k"
	case 'л':
		if pl && !strings.ContainsRune("еёиіьюяєї", n) {
			return "ł"
		}
		if pl && l == langUK && (n == 'е' || n == 'и') {
			return "ł" // Ukrainian е and и are hard: Ołeksandr, Ołena
		}
		return "l"
	case 'м':
		return "m"
	case 'н':
		return "n"
	case 'о':
		return "o"
	case 'п':
		return "p"
	case 'р':
		return "r"
	case 'с':
		if de && isCyrVowel(p) && isCyrVowel(n) {
			return "ss"
		}
		return "s"
	case 'т':
		return "t"
	case 'у':
		return "u"
	case 'ў':
		if sys == sysEnglish || de {
			return "w"
		}
		return "u"
	case 'ф':
		return "f"
	case 'х':
		if de || pl {
			return "ch"
		}
		return "kh"
	case 'ц':
		switch {
		case de:
			return "z"
		case pl:
			return "c"
		}
		return "ts"
	case 'ч':
		switch {
		case de:
			return "tsch"
		case pl:
			return "cz"
		}
		return "ch"
	case 'ш':
		switch {
		case de:
			return "sch"
		case pl:
			return "sz"
		}
		return "sh"
	case 'щ':
		switch {
		case de:
			return "schtsch"
		case pl:
			return "szcz"
		}
		return "shch"
	case 'ъ':
		if sys == sysNational && l == langRU {
			return "ie"
		}
		return ""
	case 'ы':
		return "y"
	case 'ь', '\'', '’':
		return ""
	case 'э':
		return "e"
	case 'ю':
		return iot("u")
	case 'я':
		return iot("a")
	}
	return string(r)
}

// titleWords capitalises the first letter of every word (words separated by
// spaces and hyphens) and leaves the rest as it is.
func titleWords(s string) string {
	rs := []rune(s)
	for i := range rs {
		if i == 0 || rs[i-1] == ' ' || rs[i-1] == '-' {
			rs[i] = unicode.ToUpper(rs[i])
		}
	}
	return string(rs)
}
