package linkage

import (
	"strconv"
	"unicode/utf8"
)

// value is a field after normalisation: words for text fields, a date for
// date fields. An empty value (no words, no date) sets no bits: a missing
// value says nothing, for or against a match.
type value struct {
	words []string
	date  dateValue
}

// dateValue is a calendar date; month and day are 0 when unknown, and an
// estimated date (age assessment) keeps only its year.
type dateValue struct {
	year, month, day int
	estimated        bool
}

func (v *value) reset() {
	v.words = v.words[:0]
	v.date = dateValue{}
}

// emitter receives the tokens of one tokeniser for one record. Tokens are
// passed in a scratch buffer that is reused: the emitter must not keep it.
type emitter interface {
	token(t []byte)
}

// scratch is the reusable memory of tokenisation, so that cutting q-grams
// allocates nothing per token.
type scratch struct {
	buf   []byte // the token being emitted
	pad   []byte // a padded word
	runes []int  // rune offsets into the word
}

// tokenise calls e.token for every token t produces from v. Every token
// starts with a one-letter tag of its kind so that tokens of different kinds
// under one key never collide.
func (sc *scratch) tokenise(t *Tokeniser, v *value, e emitter) {
	buf := sc.buf
	switch t.Kind {
	case kindQGram:
		for _, w := range v.words {
			sc.qgrams(t, w, e)
		}
		buf = sc.buf
	case kindExact:
		if v.date.year != 0 {
			buf = append(buf[:0], 'x')
			buf = appendDate(buf, v.date)
			e.token(buf)
			break
		}
		for _, w := range v.words {
			buf = append(append(buf[:0], 'x'), w...)
			e.token(buf)
		}
	case kindPhonetic:
		for _, w := range v.words {
			k := phoneticKey(w)
			if k == "" {
				continue
			}
			buf = append(append(buf[:0], 'p'), k...)
			e.token(buf)
		}
	case kindDate:
		buf = dateTokens(t, v.date, e, buf)
	}
	sc.buf = buf
}

// qgrams emits the q-grams of one word. Padding adds '^' before and '$'
// after the word (neither survives normalisation inside a word). Q-grams are
// cut on runes, not bytes, so that names that normalisation leaves outside
// ASCII still produce whole characters.
func (sc *scratch) qgrams(t *Tokeniser, w string, e emitter) {
	if w == "" {
		return
	}
	n := t.N
	var s []byte
	if t.Padded {
		s = append(append(append(sc.pad[:0], '^'), w...), '$')
		sc.pad = s
	} else {
		s = append(sc.pad[:0], w...)
		sc.pad = s
	}
	buf, runes := sc.buf, sc.runes[:0]
	for i := 0; i < len(s); {
		runes = append(runes, i)
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRune(s[i:])
		i += size
	}
	runes = append(runes, len(s))
	sc.runes = runes
	count := len(runes) - 1 // runes in s
	if count < n {
		// A word shorter than q still says something: emit it whole.
		buf = append(append(buf[:0], 'q'), s...)
		e.token(buf)
		sc.buf = buf
		return
	}
	for i := 0; i+n <= count; i++ {
		buf = append(append(buf[:0], 'q'), s[runes[i]:runes[i+n]]...)
		if t.Positional {
			buf = append(buf, '@')
			buf = strconv.AppendInt(buf, int64(i), 10)
		}
		e.token(buf)
	}
	sc.buf = buf
}

// dateTokens emits the parts of a date that t asks for. An estimated date
// (recorded as 1 January of an assessed year) emits only year tokens: its
// month and day carry no information. Missing month or day emit nothing for
// the parts that need them.
func dateTokens(t *Tokeniser, d dateValue, e emitter, buf []byte) []byte {
	if d.year == 0 {
		return buf
	}
	dayKnown := d.month != 0 && d.day != 0 && !d.estimated
	for _, p := range t.Parts {
		switch p {
		case "year":
			buf = strconv.AppendInt(append(buf[:0], 'y'), int64(d.year), 10)
			e.token(buf)
		case "year_window":
			// Years y-w..y+w: two dates whose years differ by k share
			// 2w+1-k of these tokens, so an assessed year one or two years
			// off still counts, and less the further off it is.
			for y := d.year - t.YearWindow; y <= d.year+t.YearWindow; y++ {
				buf = strconv.AppendInt(append(buf[:0], 'w'), int64(y), 10)
				e.token(buf)
			}
		case "month":
			if d.month != 0 && !d.estimated {
				buf = strconv.AppendInt(append(buf[:0], 'm'), int64(d.month), 10)
				e.token(buf)
			}
		case "day":
			if dayKnown {
				buf = strconv.AppendInt(append(buf[:0], 'd'), int64(d.day), 10)
				e.token(buf)
			}
		case "day_month":
			if dayKnown {
				buf = strconv.AppendInt(append(buf[:0], 'o'), int64(d.month), 10)
				buf = strconv.AppendInt(append(buf, '-'), int64(d.day), 10)
				e.token(buf)
			}
		case "date":
			// The whole date, only when the day is known.
			if dayKnown {
				buf = appendDate(append(buf[:0], 'e'), d)
				e.token(buf)
			}
		case "ymd_any":
			// Year and the unordered pair {day, month}: a day/month swap.
			if dayKnown {
				lo, hi := min(d.day, d.month), max(d.day, d.month)
				buf = strconv.AppendInt(append(buf[:0], 'a'), int64(d.year), 10)
				buf = strconv.AppendInt(append(buf, '-'), int64(lo), 10)
				buf = strconv.AppendInt(append(buf, '-'), int64(hi), 10)
				e.token(buf)
			}
		case "ym_digits":
			// Year, month and the digits of the day in order of value: two
			// transposed day digits (12, 21) give the same token.
			if dayKnown {
				lo, hi := min(d.day/10, d.day%10), max(d.day/10, d.day%10)
				buf = strconv.AppendInt(append(buf[:0], 'g'), int64(d.year), 10)
				buf = strconv.AppendInt(append(buf, '-'), int64(d.month), 10)
				buf = append(buf, '-', byte('0'+lo), byte('0'+hi))
				e.token(buf)
			}
		case "day_window":
			// Day numbers d-w..d+w: dates k days apart share 2w+1-k tokens,
			// across the ends of months and years.
			if dayKnown {
				n := dayNumber(d.year, d.month, d.day)
				for x := n - t.DayWindow; x <= n+t.DayWindow; x++ {
					buf = strconv.AppendInt(append(buf[:0], 'n'), int64(x), 10)
					e.token(buf)
				}
			}
		case "day_month_any":
			// The unordered pair {day, month}: the same token whether the
			// date was written day first or month first.
			if dayKnown {
				lo, hi := min(d.day, d.month), max(d.day, d.month)
				buf = strconv.AppendInt(append(buf[:0], 'u'), int64(lo), 10)
				buf = strconv.AppendInt(append(buf, '-'), int64(hi), 10)
				e.token(buf)
			}
		}
	}
	return buf
}

// appendDate appends d as YYYY-MM-DD (month and day 00 when unknown or
// estimated).
func appendDate(buf []byte, d dateValue) []byte {
	m, dd := d.month, d.day
	if d.estimated {
		m, dd = 0, 0
	}
	buf = strconv.AppendInt(buf, int64(d.year), 10)
	buf = append(buf, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
	return buf
}

// dayNumber returns the number of days from 1 March of year 0 to a date (a
// proleptic Gregorian day count; only differences matter).
func dayNumber(y, m, d int) int {
	if m < 3 {
		y--
		m += 12
	}
	return 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d - 1
}
