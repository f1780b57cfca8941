// Package normalize turns the identifiers of children on the move (names,
// sex, country, date of birth) into canonical forms, so that one child
// registered in different countries, scripts and spellings gets the same
// tokens. It is pure Go, does no I/O and keeps no state beyond tables
// built when the package loads; every function is safe for concurrent use.
//
// Two consumers rely on it: the linkage engine, which hashes the tokens
// into Bloom filters (so a difference here is a missed match there), and
// the case registry's keyed blind-index search, which must find
// "Muhammad Al-Hassan" when the user types "Mohammed Alhassan". Both need
// the same answer for the same child, so every rule below favours
// consistency (one input always gives one output, and the output is
// stable: Fold, Variant, Name are idempotent) over linguistic accuracy.
//
// # Rule 1: folding (Fold)
//
// Names are reduced to lower-case ASCII letters, digits and single spaces.
// Latin letters are decomposed (Unicode NFKD) and their marks dropped:
// Kazlauskaitė→kazlauskaite, Nguyễn→nguyen, Lăcătuș→lacatus, Jiří→jiri.
// Letters that Unicode does not decompose have explicit spellings: ł→l,
// ø→o, đ→d, ð→d, ı→i, ß→ss, æ→ae, œ→oe, þ→th, ħ→h, ŋ→ng, ə→e.
// German ü, ö, ä fold to u, o, a, not ue, oe, ae: the same letters are
// Turkish, Azerbaijani, Estonian and Hungarian, whose Latin spellings drop
// the dots (Gül→gul, Ümit→umit), and German-origin names are a small part
// of this population. Müller and Mueller therefore fold differently;
// their phonetic keys (Key) are equal, since Key ignores vowels inside a
// name.
//
// Apostrophes (all of ' ’ ʼ ʻ ` ´ ′) are dropped inside words:
// O'Brien→obrien, Mar'yana→maryana, D'Angelo→dangelo. Every other punctuation
// mark, hyphen (including the non-breaking U+2011), underscore and space
// becomes one space. Zero-width characters (the Persian ZWNJ), bidi marks
// and soft hyphens are dropped. Letters of scripts without a
// transliteration here (Han, Hangul, Hebrew, Armenian, Georgian, …) are
// dropped, which leaves the Latin part of a mixed field usable.
//
// # Rule 2: Cyrillic, Greek, Arabic and Ethiopic scripts
//
// Cyrillic follows the passport conventions: the Ukrainian national
// system (KMU 2010: г→h, и→y, є→ie/ye, ї→i/yi, й→i/y, ю→iu/yu, я→ia/ya,
// х→kh, щ→shch, ь dropped) and the Russian ICAO one (г→g, и→i). The
// convention is chosen per string from letters only one language has
// (і ї є ґ ў: Ukrainian/Belarusian; ы э ъ ё: Russian), and is Ukrainian
// when neither occurs (see chooseCyrMode for why). Belarusian ў→u.
// Serbian, Macedonian and Central Asian letters have spellings too. Greek
// follows ELOT 743 with its digraphs (ου→ou, αυ→av/af, γγ→ng, initial
// μπ→b). Arabic script (Arabic, Persian, Dari, Pashto, Urdu, Kurdish) is
// transliterated roughly: consonants and long vowels, short vowels when
// they are written, the attached article ال as "al-", و and ي as w/y or
// u/i by position; since short vowels are not written, the variant table
// holds the Arabic spelling of common names. Ethiopic (Tigrinya, Amharic)
// is transliterated syllable by syllable: ተስፋዬ→tesfaye.
//
// # Rule 3: variants (Variant)
//
// Each folded token goes through generic rewrite rules and then a table.
// The rules (see generic) bring transliteration differences to one
// spelling: German and Polish spellings of Slavic sounds (Schewtschenko,
// Szewczenko→shevchenko), kh/h, ph/f, th/t, dh/d, q/k, w/v, j/y/i, ou/u,
// ee/i, doubled letters, -eh/-a, -skyi/-skiy/-sky/-ski. They run before
// the table, so spellings the table has never seen converge as well. The
// table (variants_*.go, about 190 groups and 1,200 spellings) maps the
// rewritten spelling of a known name to one canonical token, across
// origins: Arabic-origin names as written in Syria, Iraq, the Maghreb,
// Somalia, Nigeria, Turkey, the Balkans and Afghanistan (Mohammed,
// Mohamad, Maxamed, Mamadou, محمد→muhammad); Ukrainian, Russian and
// Belarusian names (Олександр, Александр, Аляксандр, Oleksandr,
// Aleksandr, Alexander→alexander); Eritrean names (Tesfaye, Tesfay, Tesfai).
// Different names stay apart: Muhammad/Mahmud, Hassan/Hussein, Ali/Alia,
// Omar/Amir, Said/Sayyid, Salah/Salih. Mehmet is not Muhammad (see
// variants_arabic.go). Compound Arabic names are built by rule, not
// listed: Abd al-Rahman, Abdul Rahman, Abdelrahman, Abdurrahman,
// Abdirahman→abdulrahman; Nur al-Din, Noureddine→nuruddin; Habib Ullah,
// Habibollah→habibullah.
//
// # Rule 4: particles
//
// The Arabic article (al, el, ul; an-, ash-, … when hyphenated to a word
// starting with the same consonant) and the connectors bin, ibn, bint are
// dropped: registrars write them or leave them out, so keeping them would
// make two registrations of one child differ, while they add almost no
// identifying information. "Al-Hassan", "Al Hassan", "El-Hassan",
// "al‑Hassan" therefore give [hassan], and the glued "Alhassan" is split
// when what follows the article is a known name (a glued form that is
// itself a name, such as Elham or Alina, stays whole). The trade-off: a
// family Al-Hassan matches a family Hassan, which costs some precision
// and wins the much more frequent case of the article written in one
// registration and not in the other. "Ben" is joined to the next word
// (Ben Ali, Benali: one Maghrebi family name). Abd and Abu are joined to
// the name they govern (Rule 3). European particles (van, von, de, di, da,
// le, …) are kept as ordinary tokens: gluing or dropping them would
// damage Vietnamese names, where Văn and Thị are middle names and Lê and
// Đỗ family names. The cost is that "van der Berg" and "Vanderberg" give
// different tokens (their q-grams still overlap). IsParticle lets an
// encoder give particles less weight.
//
// # Rules 5 and 6: order and whole names
//
// NameTokens accepts any part of a name or the whole name in one field and
// keeps the order. SortedTokens sorts and de-duplicates, so that family-
// name-first and given-name-first registrations ("Nguyễn Văn An", "An
// Nguyen Van", "Van An Nguyen") give the same set; compound given names
// written as one word are split (Mohammadreza→muhammad reza) to match
// their two-word form.
//
// # Rule 7: dates
//
// ParseDate reads the formats registries export, validates the calendar
// and never puts the value in an error. After an age assessment a date of
// birth is recorded as 1 January of the assessed year, and the assessed
// year is often one or two years off; registrations also swap day and
// month. DateTokens gives tokens whose overlap grows with the likelihood
// that two dates belong to one child (its comment has the table): year
// windows for uncertain dates, an unordered {day, month} token that
// survives a swap, and no month/day tokens for 1 January dates, flagged or
// not.
//
// # Rule 8: missing values
//
// "", "-", "?", "unknown", "n/a", "NN", "xxx", "FNU", "none", "null" and
// the word for "unknown" in the region's languages (okänd, ukjent, ukendt,
// tuntematon, unbekannt, nieznany, невідомо, неизвестно, …) give no tokens
// (IsMissing; the lists are in particles.go). Placeholders inside a field
// ("Ahmed NN") are removed. Sex gives "u" for them, ParseDate Unknown.
//
// # Phonetic keys (Key)
//
// Key gives a coarse key for blocking and for a phonetic tokeniser: the
// consonant skeleton in classes, plus the first and the final vowel. It is
// equal for transliteration variants and different for names that differ
// in their first vowel or final vowel (see key.go for what it cannot tell
// apart).
//
// # Performance
//
// The hot path does no regular-expression matching and allocates little:
// ASCII is folded byte by byte, other scripts through arrays built at
// start-up, an already folded input is returned as is, and known names
// are one map lookup. BenchmarkNameTokens and BenchmarkRecord measure it.
package normalize
