package api

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// errNotUTF8 is the problem of a body that is not valid UTF-8 text.
const errNotUTF8 = "the body is not valid UTF-8 text (invalid bytes or an unpaired surrogate escape)"

// validText reports whether a JSON body is valid UTF-8 and every \u escape
// of a surrogate is part of a pair. encoding/json silently replaces both by
// U+FFFD, which would store a name other than the one sent; a body is
// refused instead, as the CSV import refuses a file that is not UTF-8.
func validText(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		// Outside strings valid JSON has no backslash; inside, one starts an
		// escape of two characters or of six (\uXXXX).
		if i+1 >= len(body) || body[i+1] != 'u' {
			i++
			continue
		}
		r, ok := hex4(body, i+2)
		if !ok {
			return true // a syntax error: the decoder reports it
		}
		i += 5
		switch {
		case utf16.IsSurrogate(r) && r < 0xDC00: // high: a low one must follow
			lo, ok := rune(0), false
			if i+6 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
				lo, ok = hex4(body, i+3)
			}
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 6
		case utf16.IsSurrogate(r): // a low one alone
			return false
		}
	}
	return true
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	return rune(n), err == nil
}
