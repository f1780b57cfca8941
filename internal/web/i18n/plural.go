package i18n

// PluralForm returns the CLDR plural category of the integer n in lang.
// English, German, Swedish, Danish, Norwegian, Finnish and Estonian
// distinguish one and other; Icelandic calls one every number ending in 1
// but not in 11. Polish also has few (2-4, 22-24, ... but not 12-14) and
// many (the rest, 0, 5-21, ...); Russian the same with one for 1, 21, 31
// ... (not 11). Lithuanian has one (1, 21 ... not 11-19), few (2-9,
// 22-29 ... not 12-19) and other; Latvian zero (0, 10-20, 30 ...), one
// (1, 21 ... not 11) and other.
func PluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	mod10, mod100 := n%10, n%100
	switch lang {
	case "pl":
		switch {
		case n == 1:
			return "one"
		case mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14):
			return "few"
		default:
			return "many"
		}
	case "ru":
		switch {
		case mod10 == 1 && mod100 != 11:
			return "one"
		case mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14):
			return "few"
		default:
			return "many"
		}
	case "lt":
		switch {
		case mod10 == 1 && (mod100 < 11 || mod100 > 19):
			return "one"
		case mod10 >= 2 && (mod100 < 11 || mod100 > 19):
			return "few"
		default:
			return "other"
		}
	case "lv":
		switch {
		case mod10 == 0 || (mod100 >= 11 && mod100 <= 19):
			return "zero"
		case mod10 == 1 && mod100 != 11:
			return "one"
		default:
			return "other"
		}
	case "is":
		if mod10 == 1 && mod100 != 11 {
			return "one"
		}
		return "other"
	default:
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

// pluralForms lists the forms a plural message of lang must have. Polish,
// Russian and Lithuanian keep a form for fractions too ("other" for
// Polish and Russian, "many" for Lithuanian): T falls back on "other".
func pluralForms(lang string) []string {
	switch lang {
	case "pl", "ru":
		return []string{"one", "few", "many", "other"}
	case "lt":
		return []string{"one", "few", "many", "other"}
	case "lv":
		return []string{"zero", "one", "other"}
	}
	return []string{"one", "other"}
}
