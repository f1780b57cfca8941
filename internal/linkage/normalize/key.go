package normalize

// Key returns a phonetic key of one canonical token, for blocking and for
// a phonetic tokeniser. It is built to be the same for the spellings that
// transliteration produces for one name and different for different
// names:
//
//   - the generic rules run first (kh/h/x, ou/oo/u, ph/f, w/v, j/y/i/ij,
//     ts/tz, sh/sch/sz, ch/tsch/cz, doubled letters; see generic);
//   - consonants then fall into classes: ts, ch and c are one class
//     (Kravets/Kravec, Kovačević/Kovachevich, since č and ć fold to c);
//     sh and s are one class (Şahin folds to sahin); zh and z are one;
//     voiced consonants at the end are devoiced (Ahmed/Ahmet,
//     Yakub/Yakup, Murad/Murat); a final h is dropped;
//   - vowels vary most where they are not stressed, so only two are kept:
//     the first vowel of the name and a final vowel, each as one of three
//     classes (a for a and e, i, u for o and u). The first vowel tells
//     Hassan (hasn) from Hussein (husn) and Muhammad (muhmt) from Mahmud
//     (mahmt); the final vowel tells Ali (ali) from Alia (ala). Vowels in
//     between are dropped (Khaled/Khalid, Yousef/Yusuf, Mueller/Müller).
//
// A word-initial y before a vowel is kept as y (Yusuf: yusf), so that
// Yusuf and Usuf differ. Keys are lower-case ASCII. The key is coarse by
// design: different names with the same consonants and outer vowels
// share it (Mehmet and Mahmud both give mahmt, Marina and Mariana marna),
// which is acceptable for blocking but means a key match alone is not
// evidence of identity. Tokens with digits are returned unchanged.
func Key(token string) string {
	if !isToken(token) {
		token = Variant(token)
	}
	if token == "" || hasDigit(token) {
		return token
	}
	var gbuf [2][48]byte
	g := genericBytes(&gbuf, token)
	var buf [48]byte
	out := buf[:0]
	vowelDone := false
	lastConsonant := -1 // index in out of the last consonant written
	n := len(g)
	if n >= 3 && g[n-1] == 'h' && isVowel(g[n-2]) {
		n-- // a final h after a vowel is silent: Noah reads noa
	}
	for i := 0; i < n; i++ {
		c := g[i]
		var next byte
		if i+1 < n {
			next = g[i+1]
		}
		if isVowel(c) || (c == 'y' && i > 0) {
			if !vowelDone {
				out = put(out, vowelClass(c))
				vowelDone = true
			} else if i == n-1 {
				out = append(out, vowelClass(c))
			}
			continue
		}
		var k byte
		switch c {
		case 'y': // initial y before a vowel
			k = 'y'
		case 's', 'z':
			if next == 'h' {
				i++
			}
			k = c
		case 'c':
			if next == 'h' {
				i++
			}
			k = 'c'
		case 't':
			if next == 's' {
				i++
				k = 'c'
			} else {
				k = 't'
			}
		case 'h':
			if i == n-1 && i > 0 {
				continue
			}
			k = 'h'
		default:
			k = c
		}
		out = put(out, k)
		lastConsonant = len(out) - 1
	}
	// Devoice a final voiced consonant.
	if lastConsonant == len(out)-1 && lastConsonant >= 0 {
		switch out[lastConsonant] {
		case 'b':
			out[lastConsonant] = 'p'
		case 'd':
			out[lastConsonant] = 't'
		case 'g':
			out[lastConsonant] = 'k'
		case 'v':
			out[lastConsonant] = 'f'
		case 'z':
			out[lastConsonant] = 's'
		}
		if l := len(out); l >= 2 && out[l-1] == out[l-2] {
			out = out[:l-1]
		}
	}
	return string(out)
}

// vowelClass: a and e are one class (Mohammed/Muhammad, Zeinab/Zainab),
// o and u another (Omar/Umar, Hossein/Husain), i the third (Ali/Alia).
func vowelClass(c byte) byte {
	switch c {
	case 'a', 'e':
		return 'a'
	case 'o', 'u':
		return 'u'
	}
	return 'i'
}
