package i18n

// PluralForm returns the CLDR plural category of the integer n in lang.
// English, German and Swedish distinguish one and other; Polish also few
// (2-4, 22-24, ... but not 12-14) and many (the rest, 0, 5-21, ...).
func PluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "pl":
		switch {
		case n == 1:
			return "one"
		case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
			return "few"
		default:
			return "many"
		}
	default:
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

// pluralForms lists the forms a plural message of lang must have. Polish
// keeps "other" too: CLDR uses it for fractions, and T falls back on it.
func pluralForms(lang string) []string {
	if lang == "pl" {
		return []string{"one", "few", "many", "other"}
	}
	return []string{"one", "other"}
}
