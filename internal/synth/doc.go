// Package synth generates synthetic registrations of children on the move in
// the Baltic Sea Region, with ground truth: which registrations concern the
// same child (Record.Entity) and which children are siblings
// (Record.Family). It feeds the linkage engine's quality tests, its scale
// tests (Stream generates a million records in seconds in constant memory)
// and the demo's living registry.
//
// No real person's data is used. Given and family names are drawn
// independently from lists of common names per origin and combined at
// random; dates of birth, routes and dates are random. Identifiers (SE-000123,
// C0000042, F0000017) are counters and carry no name content. The same
// Options give byte-identical output: every family draws from its own PCG
// stream seeded from Options.Seed and the family's number; nothing depends on
// map iteration order or the clock.
//
// # Population
//
// Origins and their weights (origins.go) follow the children the region
// receives: Ukraine 20, Afghanistan 18, Syria 14, Iraq 6, Somalia 6,
// Eritrea 6, Morocco 5, Vietnam 5, Romania 4, Albania 3, Nigeria 3,
// Belarus 3, Russia 2. Names are written as each tradition writes them:
// Dari/Pashto and Arabic names in their usual Latin transliterations, each
// spelling variant listed (Mohammed/Muhammad/Mohamad/Mohamed); Somali with
// its own orthography (Maxamed, Cabdi); Tigrinya with Ge'ez-derived variants
// (Tesfay/Tesfai/Tesfaye); Ukrainian, Belarusian and Russian names in
// Cyrillic, transliterated at registration; Vietnamese as family name,
// middle name (Văn, Thị) and given name with diacritics; Romanian and
// Albanian with diacritics. Every origin has at least 40 given names per sex
// and 40 family names; family names of Afghan, Arab, Somali and Eritrean
// children are extended with the forms those traditions derive from given
// names (Ahmadzai, Al-Ahmad, the father's name). Names are weighted by a
// flattened Zipf law (nametable.go). Citizenship is the origin's, except
// for AltCitizenship (5%) of the children (Afghans from Iran, Palestinians
// from Syria, ...). Documented children (per origin: Ukraine 92%,
// Afghanistan 20%, Somalia 15%, ...) have an exact date of birth.
//
// Children who travel alone are mostly boys (per origin) aged 14–17 at
// their first registration; FamilyShare (30%) of the children travel and
// register with siblings in groups of 2–4 (weights 0.6, 0.3, 0.1): the same
// family name (in its female form for Slavic girls: Іванова), different
// given names, dates of birth 1–6 years apart. TwinShare (12%) of sibling
// groups include twins: same date of birth, different given names, of the
// same sex in SameSexTwins (65%) of the pairs. All children are 0–17 at
// their first registration, which falls in the RegistrationYears (3) before
// Options.Now.
//
// # Routes and records
//
// A family enters the region where its origin group does (routes.go: Ukrainians
// mostly through Poland, Afghans and Syrians mostly through Germany or the
// Belarus border, ...) and moves on along the corridors of secondary movement
// (PL→DE→DK→SE→NO/FI, LT→LV→EE→FI, ...) through 1–4 countries (weights 0.60,
// 0.25, 0.11, 0.04), never returning to a country. Each country makes an
// EventRegistered record; SecondCentre (6%) register the child again at a
// second reception centre; a child moving on is reported missing
// (EventMissing) by the country it leaves in MissingOnMove (50%) of the
// moves; MissingAtEnd (15%) go missing from their last country, and Located
// (45%) of those are found there and registered anew (EventLocated). Records
// after Options.Now are not made. With the defaults, half of the children
// have two or more records, 38% are registered in two or more countries, and
// there are 2.13 records per child (20,000 children: about 42,600 records and
// 45,000 true pairs).
//
// # Recording errors
//
// Each record re-spells the child's true identity independently, with the
// per-record probabilities of Errors (defaults in options.go). They are the
// errors the linkage normaliser must undo:
//
//   - Variant (30%): a name with transliteration variants is written in a
//     less usual one (Yousef → Yusuf, Hussein → Husain, Ahmad → Ahmed).
//   - Particle (45%): an article or compound in a less usual form: Al-Hassan
//     → Al Hassan, Alhassan, El-Hassan, El Hassan, Hassan, al-Hassan, and
//     assimilated Ash-Shami; Abdul Rahman → Abdulrahman, Abd al-Rahman,
//     Abdelrahman, Abdurrahman; Zabihullah → Zabih Ullah; Ben Ali, Ait Ahmed.
//   - Transliteration (35%): a Cyrillic name not in the passport system
//     (Ukraine 2010, Belarus, Russia ICAO) but in the registering country's
//     (German Schewtschenko, Polish Szewczenko and Ołeksandr, English
//     Yuliya), in its Russian form (Aleksandr), or the conventional one
//     (Alexander). Cyrillic (6%): the original is kept (Олександр).
//   - Diacritics (60%): dropped for the whole record (Nguyễn → Nguyen,
//     Lăcătuș → Lacatus, Gëzim → Gezim); for a third of the Romanian records
//     concerned, ș/ț are written with a cedilla (ş/ţ) instead.
//   - NameOrder (35%): a Vietnamese name laid out other than passport-style
//     (given "Van An", family "Nguyen"): middle name with the family name,
//     dropped, Vietnamese order across the fields, or all in one field.
//   - FatherName (3%): the father's name follows the given name (Afghan,
//     Arab and Moroccan children: "Mohammed Ahmad").
//   - OneField (5%): the whole name in the given-name field, family name
//     empty (a quarter of them family name first). Swap (10%): given and
//     family name swapped.
//   - Typo (4% per name field): one letter inserted (a neighbouring key or a
//     doubled letter), deleted, substituted (a neighbouring key) or two
//     letters transposed.
//   - UpperCase (30%), LowerCase (2%): the whole name in one case.
//   - AgeAssessment (35% of the records of children without documents): the
//     date of birth comes from an age assessment, recorded as 1 January of
//     the assessed year with DOBEstimated; AssessedYearOff (30%) of
//     assessments are 1 or 2 years off, more often older (−2: 15%, −1: 45%,
//     +1: 28%, +2: 12%).
//   - DayMonthSwap (4%) of exact dates with day ≤ 12; DateTypo (2%): one
//     digit of year, month or day wrong; PartialDate (2%): only YYYY or
//     YYYY-MM.
//   - Missing values: given name 1%, family name 1%, sex 3%, date of birth
//     1.5%, citizenship 8%. WrongSex 0.5%, WrongCitizen 3% (a neighbouring
//     country's).
//
// The defaults are calibrated so that the data is hard but linkable
// (calibration_test.go, F1 extrapolated to 20,000 children): a Bloom-filter
// linker on the raw fields reaches about 0.44, while a crude normaliser
// (case, diacritics, Cyrillic, particles, a phonetic skeleton, sorted name
// tokens) with a date-of-birth rule reaches 0.86–0.89; a linker that undoes
// the errors above properly is expected to pass 0.90. Only 13% of the true
// pairs have identical names, 9% identical names and date of birth. The residual difficulty is
// genuine: children without documents share common names and assessed years
// of birth. Options.Errors = NoErrors() gives every record of a child the
// same identity; Errors.Scale trades difficulty for a quality curve.
package synth
