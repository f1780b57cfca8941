package synth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// assessedOffsets weight the error of an assessed year of birth (−2, −1,
// +1, +2 years): assessments more often make a child older than younger.
var assessedOffsets = []float64{0.15, 0.45, 0.28, 0.12}

var assessedCum = cumulative(assessedOffsets)

// particleUsual is the index of the usual written form of a particle.
func particleUsual(p particle, o *origin) int {
	if p == pAbd {
		return o.abd
	}
	return 0
}

// particleCount is the number of written forms of particle p with base.
func particleCount(p particle, base string) int {
	sun := 0
	if sunLetter(base) != "" {
		sun = 1
	}
	switch p {
	case pAl:
		return 7 + sun
	case pEl:
		return 6
	case pBen:
		return 4
	case pAit:
		return 5
	case pAbd:
		return 8 + sun
	case pUllah:
		return 6
	}
	return 1
}

// particleForm returns the j-th written form of particle p with base; the
// forms are those found in registrations (Al-Hassan, Al Hassan, Alhassan,
// El-Hassan, El Hassan, Hassan, al-Hassan, As-Saleh; Abdul Rahman,
// Abdulrahman, Abd al-Rahman, Abdelrahman, Abdel Rahman, Abdul-Rahman,
// Abdirahman, Abd Al Rahman, Abdurrahman; Zabihullah, Zabih Ullah, ...).
func particleForm(p particle, b string, j int) string {
	low := strings.ToLower(b)
	switch p {
	case pAl:
		return pickForm(j, "Al-"+b, "Al "+b, "Al"+low, "El-"+b, "El "+b, b, "al-"+b, "A"+sunLetter(b)+"-"+b)
	case pEl:
		return pickForm(j, "El "+b, "El-"+b, "El"+low, "Al-"+b, "Al "+b, b)
	case pBen:
		return pickForm(j, "Ben"+low, "Ben "+b, "Ben-"+b, "Bin "+b)
	case pAit:
		return pickForm(j, "Ait "+b, "Aït "+b, "Ait-"+b, "Ait"+low, "Aït-"+b)
	case pAbd:
		return pickForm(j, "Abdul "+b, "Abdul"+low, "Abd al-"+b, "Abdel"+low, "Abdel "+b, "Abdul-"+b,
			"Abdi"+low, "Abd Al "+b, "Abdu"+sunLetter(b)+low)
	case pUllah:
		return pickForm(j, b+"ullah", b+" Ullah", b+"-Ullah", b+"ollah", b+"ulla", b+"allah")
	}
	return b
}

func pickForm(j int, forms ...string) string { return forms[min(j, len(forms)-1)] }

// sunLetter returns the consonant an Arabic article assimilates to before
// base (Ash-Shami, Ar-Rifai), or "" when base starts with a moon letter.
func sunLetter(base string) string {
	low := strings.ToLower(base)
	for _, s := range []string{"sh", "th", "dh", "t", "d", "r", "z", "s", "n"} {
		if strings.HasPrefix(low, s) {
			return s
		}
	}
	return ""
}

// keyboard holds the QWERTY neighbours of each letter: most typing errors
// hit a neighbouring key.
var keyboard = [26]string{
	"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop",
	"njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx"}

const cyrLetters = "аеиоунтсрвлкдмп"

// typo makes one typing error in s: a letter inserted, deleted, substituted
// or two neighbouring letters transposed.
func (g *generator) typo(s string) string {
	rs := []rune(s)
	var pos []int // positions of letters
	for i, c := range rs {
		if unicode.IsLetter(c) {
			pos = append(pos, i)
		}
	}
	if len(pos) < 2 {
		return s
	}
	i := pos[g.r.IntN(len(pos))]
	op := g.r.IntN(4)
	if op == 1 && len(pos) < 4 {
		op = 2 // keep short names recognisable
	}
	switch op {
	case 0: // insert a neighbouring key or double the letter
		rs = append(rs[:i+1], rs[i:]...)
		if g.r.IntN(2) == 0 {
			rs[i] = g.near(rs[i])
		}
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	case 2:
		rs[i] = g.near(rs[i])
	default:
		j := i + 1
		if j >= len(rs) || !unicode.IsLetter(rs[j]) {
			j = i - 1
		}
		if j < 0 || !unicode.IsLetter(rs[j]) || rs[i] == rs[j] {
			rs[i] = g.near(rs[i])
		} else {
			rs[i], rs[j] = rs[j], rs[i]
		}
	}
	return string(rs)
}

// near returns a letter typed instead of c, keeping its case.
func (g *generator) near(c rune) rune {
	lc := unicode.ToLower(c)
	var out rune
	switch {
	case lc >= 'a' && lc <= 'z':
		ns := keyboard[lc-'a']
		out = rune(ns[g.r.IntN(len(ns))])
	case unicode.Is(unicode.Cyrillic, lc):
		for out = lc; out == lc; {
			k := g.r.IntN(utf8.RuneCountInString(cyrLetters))
			out = []rune(cyrLetters)[k]
		}
	default: // a letter with diacritics: typed without them or as its base
		out = []rune(fold(string(lc)))[0]
		if out == lc {
			out = 'e'
		}
	}
	if unicode.IsUpper(c) {
		return unicode.ToUpper(out)
	}
	return out
}

// dob writes the date of birth as one registration would.
func (g *generator) dob(k *child) (string, bool) {
	e, r := &g.e, g.r
	if r.Float64() < e.MissingDOB {
		return "", false
	}
	if !k.documented && r.Float64() < e.AgeAssessment {
		y := k.y
		if r.Float64() < e.AssessedYearOff {
			y += []int{-2, -1, 1, 2}[g.pick(assessedCum)]
		}
		flag := !(e.EstimatedUnflagged > 0 && r.Float64() < e.EstimatedUnflagged)
		if e.EstimatedJuly+e.EstimatedYear > 0 {
			switch x := r.Float64(); {
			case x < e.EstimatedJuly:
				return ymd(y, 7, 1, 10), flag
			case x < e.EstimatedJuly+e.EstimatedYear:
				return ymd(y, 1, 1, 4), flag
			}
		}
		return ymd(y, 1, 1, 10), flag
	}
	y, m, d := k.y, k.m, k.d
	if d <= 12 && d != m && r.Float64() < e.DayMonthSwap {
		m, d = d, m
	}
	if e.DayOff > 0 && r.Float64() < e.DayOff {
		off := 1 + r.IntN(2)
		if r.IntN(2) == 0 {
			off = -off
		}
		y, m, d = civil(days(y, m, d) + off)
	}
	if e.DigitSwap > 0 && r.Float64() < e.DigitSwap {
		if sw := d%10*10 + d/10; d >= 10 && sw != d && sw >= 1 && sw <= daysIn(y, m) {
			d = sw
		}
	}
	if r.Float64() < e.DateTypo {
		switch r.IntN(3) {
		case 0:
			y += 1 - 2*r.IntN(2)
		case 1:
			dim := daysIn(y, m)
			nd := d/10*10 + r.IntN(10)
			if nd == d || nd < 1 || nd > dim {
				nd = d%dim + 1
			}
			d = nd
		default:
			m = m%12 + 1
		}
		d = min(d, daysIn(y, m)) // 29 February in a year that has none
	}
	if r.Float64() < e.PartialDate {
		return ymd(y, m, d, 4+3*r.IntN(2)), false
	}
	return ymd(y, m, d, 10), false
}

func daysIn(y, m int) int { return days(y, m+1, 1) - days(y, m, 1) }

// ymd formats a date as YYYY-MM-DD, cut to n characters (4: YYYY, 7: YYYY-MM).
func ymd(y, m, d, n int) string {
	b := [10]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:n])
}
