package normalize

// generic applies the generic rewrite rules to a folded token until
// nothing changes (usually one pass; the loop makes the rules idempotent
// even where one rewrite creates the input of another).
//
// The rules bring the spellings that transliteration produces for one
// sound to one spelling. They are deliberately few and each one is common
// in the registries of the region:
//
//   - German and Polish spellings of Slavic sounds: tsch, cz→ch; sch, sz→sh;
//     szcz→shch; w→v (Schewtschenko, Szewczenko→shevchenko).
//   - kh→h (Khalid/Halid), ph→f, th→t, dh→d (Dhahir/Dahir), gh→g, q→k,
//     ck→k, tz→ts; c→k before a, o, u and consonants (Carlos/Karlos),
//     ch→k before r and l (Christina/Kristina).
//   - x: at the start and before a consonant it is the Somali x (= ḥ:
//     Xasan, Axmed→ahmed), elsewhere ks (Alexander, Oksana/Oxana).
//   - j, dj, dzh, xh (Albanian) and y: j is read y (Julia/Yulia,
//     Sergej/Sergei, Marjana/Maryana) except between a vowel and another
//     letter, where it is the English j (Majid, Hajar). Inside a word y is
//     i (Maryana/Mariana, Zaynab/Zainab, Serhiy/Serhii). At the start,
//     i before a vowel is y (Iuliia/Yuliia) and ye, ie are e
//     (Yelena/Elena, Ieva/Eva).
//   - ou, oo→u (Youssef, Noor); ee→i (Saeed, Kareem); doubled letters are
//     written once (Hassan/Hasan, Yuliia→yulia).
//   - a final -eh or -ah is -a in names of five letters or more
//     (Fatemeh, Marzieh, Hamzah, Sarah; not Noah).
//
// Rules are not applied to tokens with digits.
func generic(t string) string {
	if hasDigit(t) {
		return t
	}
	var buf [2][48]byte
	out := genericBytes(&buf, t)
	if string(out) == t {
		return t
	}
	return string(out)
}

// genericBytes is generic without the final string: the passes alternate
// between the two buffers of buf (on the caller's stack for tokens that
// fit), so that only a changed result costs an allocation.
func genericBytes(buf *[2][48]byte, t string) []byte {
	out := genericPass(buf[0][:0], t)
	for k := 1; k < 6; k++ {
		next := genericPass(buf[k%2][:0], string(out))
		if string(next) == string(out) {
			return next
		}
		out = next
	}
	return out
}

func isVowel(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}

// put appends c to b, once if it doubles the last letter written. The
// helpers take and return the slice (rather than being methods) so that
// the buffer of generic stays on the stack.
func put(b []byte, c byte) []byte {
	if n := len(b); n > 0 && b[n-1] == c {
		return b
	}
	return append(b, c)
}

func put2(b []byte, c, d byte) []byte { return put(put(b, c), d) }

// jay appends a j-like sound whose next input letter is next.
func jay(b []byte, next byte) []byte {
	n := len(b)
	switch {
	case n == 0:
		if next == 'e' {
			return b // Jelena, Yelena → elena
		}
		if isVowel(next) {
			return put(b, 'y')
		}
		return put(b, 'i')
	case next == 0 || !isVowel(b[n-1]) || b[n-1] == 'i':
		return put(b, 'i') // Sergej, Marjana, Sofija
	}
	return put(b, 'j') // Majid, Hajar
}

// genericPass returns one pass of the rewrite rules over t, written into
// buf.
func genericPass(buf []byte, t string) []byte {
	b := buf[:0]
	n := len(t)
	for i := 0; i < n; {
		c := t[i]
		next := byteAt(t, i+1)
		step := 1
		switch c {
		case 't':
			switch {
			case hasAt(t, i, "tsch"):
				b = put2(b, 'c', 'h')
				step = 4
			case next == 'c' && byteAt(t, i+2) == 'h':
				b = put2(b, 'c', 'h')
				step = 3
			case next == 'h':
				b = put(b, 't')
				step = 2
			case next == 'z':
				b = put2(b, 't', 's')
				step = 2
			default:
				b = put(b, 't')
			}
		case 's':
			switch {
			case hasAt(t, i, "szcz"):
				b = put2(b, 's', 'h')
				b = put2(b, 'c', 'h')
				step = 4
			case next == 'c' && byteAt(t, i+2) == 'h':
				b = put2(b, 's', 'h')
				step = 3
			case next == 'z':
				b = put2(b, 's', 'h')
				step = 2
			default:
				b = put(b, 's')
			}
		case 'd':
			switch {
			case next == 'z' && byteAt(t, i+2) == 'h':
				b = jay(b, byteAt(t, i+3))
				step = 3
			case next == 'j':
				b = jay(b, byteAt(t, i+2))
				step = 2
			case next == 'h':
				b = put(b, 'd')
				step = 2
			default:
				b = put(b, 'd')
			}
		case 'x':
			switch {
			case next == 'h':
				b = jay(b, byteAt(t, i+2))
				step = 2
			case len(b) == 0 || (next != 0 && !isVowel(next)):
				b = put(b, 'h')
			default:
				b = put2(b, 'k', 's')
			}
		case 'j':
			b = jay(b, next)
		case 'c':
			switch {
			case next == 'h' && (byteAt(t, i+2) == 'r' || byteAt(t, i+2) == 'l'):
				b = put(b, 'k') // Greek ch: Christina/Kristina, Chloe
				step = 2
			case next == 'z', next == 'h':
				b = put2(b, 'c', 'h')
				step = 2
			case next == 'k':
				b = put(b, 'k')
				step = 2
			case next == 'e' || next == 'i' || next == 'y' || next == 0:
				b = put(b, 'c')
			default:
				b = put(b, 'k')
			}
		case 'k', 'p', 'g':
			switch {
			case next != 'h':
				b = put(b, c)
			case c == 'k':
				b = put(b, 'h')
				step = 2
			case c == 'p':
				b = put(b, 'f')
				step = 2
			default:
				b = put(b, 'g')
				step = 2
			}
		case 'q':
			b = put(b, 'k')
		case 'w':
			b = put(b, 'v')
		case 'y':
			switch {
			case len(b) == 0 && next == 'e':
			case len(b) == 0 && isVowel(next):
				b = put(b, 'y')
			default:
				b = put(b, 'i')
			}
		case 'i':
			switch {
			case len(b) == 0 && next == 'e':
			case len(b) == 0 && isVowel(next) && next != 'i':
				b = put(b, 'y')
			default:
				b = put(b, 'i')
			}
		case 'o':
			if next == 'u' || next == 'o' {
				b = put(b, 'u')
				step = 2
			} else {
				b = put(b, 'o')
			}
		case 'e':
			if next == 'e' {
				b = put(b, 'i')
				step = 2
			} else {
				b = put(b, 'e')
			}
		default:
			b = put(b, c)
		}
		i += step
	}
	// A final -eh or -ah is the vowel a (Persian ه, Arabic ة); not in
	// short names (Noah, Shah).
	if l := len(b); l >= 5 && b[l-1] == 'h' && (b[l-2] == 'a' || b[l-2] == 'e') {
		b = b[:l-2]
		b = put(b, 'a')
	}
	return b
}

func byteAt(t string, i int) byte {
	if i < len(t) {
		return t[i]
	}
	return 0
}

func hasAt(t string, i int, p string) bool {
	return len(t)-i >= len(p) && t[i:i+len(p)] == p
}
