package synth

import (
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Options say what to generate. The same Options give byte-identical output.
type Options struct {
	// Children is the number of distinct children (entities). With Records
	// set it may be 0: then as many children are made as Records needs.
	Children int
	// Records, if positive, stops the output after this many records (the
	// last child may then have fewer registrations than planned). It lets a
	// scale test ask for "1,000,000 registrations" directly.
	Records int
	// Countries are the registering countries (ISO 3166-1 alpha-2); empty
	// means the region: DefaultCountries.
	Countries []string
	// Seed selects the data set: same seed, same data.
	Seed int64
	// Now is the reference date: registrations happen in the three years
	// before it. Zero means DefaultNow. Children are 0–17 years old at their
	// first registration.
	Now time.Time
	// Errors are the rates of the recording errors between registrations of
	// the same child. Nil means the preset's rates (DefaultErrors() without
	// a preset); NoErrors() turns them off.
	Errors *Errors
	// Preset selects a difficulty (PresetMild, PresetField, PresetHarsh; see
	// presets.go): error rates (unless Errors is set) and the population's
	// NamePool and SecondGiven (unless set). "" is the original generator.
	Preset string
	// NamePool is the share (0–1] of each name list children are named
	// from, the most common names first: a smaller pool makes unrelated
	// children of one origin share names as often as in a real population
	// with a few very common names. 0 means the whole list.
	NamePool float64
	// SecondGiven is the share of children with a second given name, which
	// registrations drop at the rate Errors.DropSecond.
	SecondGiven float64
}

// DefaultCountries are the member states of the network in the Baltic Sea
// Region, in the order the brief lists them.
var DefaultCountries = []string{"DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE"}

// DefaultNow is the reference date used when Options.Now is zero, so that
// output does not depend on the day the generator runs.
var DefaultNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Errors are per-registration probabilities of the recording errors that make
// two registrations of the same child differ. Each registration is drawn
// independently from the child's true identity. doc.go describes each kind.
type Errors struct {
	Variant         float64 // a name with transliteration variants is written in a less usual one (Mohammed → Muhammad)
	Particle        float64 // an article or compound is written in a less usual form (Al-Hassan → Alhassan, El Hassan, Hassan)
	Transliteration float64 // a Cyrillic name is not written in the passport transliteration (Oleksandr → Aleksandr, Szewczenko)
	Cyrillic        float64 // a Cyrillic name is kept in Cyrillic script (Олександр)
	Diacritics      float64 // diacritics are dropped (Nguyễn → Nguyen, Lăcătuș → Lacatus)
	NameOrder       float64 // a Vietnamese name is laid out other than passport-style (given "Van An", family "Nguyen")
	FatherName      float64 // the father's name is added to the given name (Mohammed Ahmad), origins that use it
	OneField        float64 // the whole name is put in the given-name field, family name empty
	Swap            float64 // given and family name are swapped
	Typo            float64 // per name field: one letter inserted, deleted, substituted or transposed
	UpperCase       float64 // names in upper case (as in a machine-readable zone)
	LowerCase       float64 // names in lower case
	AgeAssessment   float64 // a child without documents gets an estimated date of birth (YYYY-01-01)
	AssessedYearOff float64 // given an assessment, the assessed year differs from the true one by 1 or 2
	DayMonthSwap    float64 // an exact date with day ≤ 12 has day and month swapped
	DateTypo        float64 // one digit of an exact date is wrong
	PartialDate     float64 // only YYYY or YYYY-MM is recorded
	MissingGiven    float64 // empty given name
	MissingFamily   float64 // empty family name
	MissingSex      float64 // empty sex
	MissingDOB      float64 // empty date of birth
	MissingCitizen  float64 // empty citizenship
	WrongSex        float64 // sex recorded wrongly
	WrongCitizen    float64 // citizenship recorded as a neighbouring country's
	// Field errors of the harder presets (presets.go); zero in DefaultErrors
	// so that the original generator's output is unchanged.
	EstimatedJuly      float64 // an estimated date is recorded as 1 July of the assessed year
	EstimatedYear      float64 // an estimated date is recorded as a bare year (YYYY)
	EstimatedUnflagged float64 // an estimated date is recorded without the dob_estimated flag
	DayOff             float64 // an exact date's day is off by one or two days
	DigitSwap          float64 // the two digits of an exact date's day are transposed (12 → 21)
	DropSecond         float64 // a second given name is left out
}

// Default error rates (see doc.go for the reasoning behind each).
const (
	DefaultVariant         = 0.30
	DefaultParticle        = 0.45
	DefaultTransliteration = 0.35
	DefaultCyrillic        = 0.06
	DefaultDiacritics      = 0.60
	DefaultNameOrder       = 0.35
	DefaultFatherName      = 0.03
	DefaultOneField        = 0.05
	DefaultSwap            = 0.10
	DefaultTypo            = 0.04
	DefaultUpperCase       = 0.30
	DefaultLowerCase       = 0.02
	DefaultAgeAssessment   = 0.35
	DefaultAssessedYearOff = 0.30
	DefaultDayMonthSwap    = 0.04
	DefaultDateTypo        = 0.02
	DefaultPartialDate     = 0.02
	DefaultMissingGiven    = 0.01
	DefaultMissingFamily   = 0.01
	DefaultMissingSex      = 0.03
	DefaultMissingDOB      = 0.015
	DefaultMissingCitizen  = 0.08
	DefaultWrongSex        = 0.005
	DefaultWrongCitizen    = 0.03
)

// DefaultErrors returns the default error rates: hard but linkable data.
func DefaultErrors() *Errors {
	return &Errors{
		Variant: DefaultVariant, Particle: DefaultParticle, Transliteration: DefaultTransliteration,
		Cyrillic: DefaultCyrillic, Diacritics: DefaultDiacritics, NameOrder: DefaultNameOrder,
		FatherName: DefaultFatherName, OneField: DefaultOneField, Swap: DefaultSwap, Typo: DefaultTypo,
		UpperCase: DefaultUpperCase, LowerCase: DefaultLowerCase, AgeAssessment: DefaultAgeAssessment,
		AssessedYearOff: DefaultAssessedYearOff, DayMonthSwap: DefaultDayMonthSwap, DateTypo: DefaultDateTypo,
		PartialDate: DefaultPartialDate, MissingGiven: DefaultMissingGiven, MissingFamily: DefaultMissingFamily,
		MissingSex: DefaultMissingSex, MissingDOB: DefaultMissingDOB, MissingCitizen: DefaultMissingCitizen,
		WrongSex: DefaultWrongSex, WrongCitizen: DefaultWrongCitizen,
	}
}

// NoErrors returns zero rates: every registration of a child carries its
// true identity in the usual spelling (passport transliteration, diacritics
// kept, exact date of birth).
func NoErrors() *Errors { return &Errors{} }

// Scale returns e with every rate multiplied by f (clamped to [0, 1]), for
// tests that trace linkage quality against the amount of error.
func (e Errors) Scale(f float64) *Errors {
	for _, p := range e.rates() {
		*p = min(max(*p*f, 0), 1)
	}
	return &e
}

func (e *Errors) rates() []*float64 {
	return []*float64{&e.Variant, &e.Particle, &e.Transliteration, &e.Cyrillic, &e.Diacritics,
		&e.NameOrder, &e.FatherName, &e.OneField, &e.Swap, &e.Typo, &e.UpperCase, &e.LowerCase,
		&e.AgeAssessment, &e.AssessedYearOff, &e.DayMonthSwap, &e.DateTypo, &e.PartialDate,
		&e.MissingGiven, &e.MissingFamily, &e.MissingSex, &e.MissingDOB, &e.MissingCitizen,
		&e.WrongSex, &e.WrongCitizen, &e.EstimatedJuly, &e.EstimatedYear, &e.EstimatedUnflagged,
		&e.DayOff, &e.DigitSwap, &e.DropSecond}
}

// Validate reports whether opt can be generated: an error with code
// errs.Invalid that names the offending option otherwise.
func (opt Options) Validate() error {
	_, _, err := opt.normalize()
	return err
}

// normalize validates opt and fills in defaults. It returns a copy.
func (opt Options) normalize() (Options, Errors, error) {
	var e Errors
	if opt.Children < 0 || opt.Records < 0 {
		return opt, e, errs.Field("children", "must not be negative")
	}
	if opt.Children == 0 && opt.Records == 0 {
		return opt, e, errs.Field("children", "must be positive")
	}
	if len(opt.Countries) == 0 {
		opt.Countries = DefaultCountries
	}
	for i, c := range opt.Countries {
		if !isAlpha2(c) {
			return opt, e, errs.Field("countries", "country %d is not an ISO 3166-1 alpha-2 code in capitals", i+1)
		}
		if slices.Contains(opt.Countries[:i], c) {
			return opt, e, errs.Field("countries", "country %d is listed twice", i+1)
		}
	}
	opt.Countries = slices.Clone(opt.Countries)
	if opt.Now.IsZero() {
		opt.Now = DefaultNow
	}
	opt.Now = time.Date(opt.Now.Year(), opt.Now.Month(), opt.Now.Day(), 0, 0, 0, 0, time.UTC)
	if err := opt.applyPreset(); err != nil {
		return opt, e, err
	}
	if opt.NamePool < 0 || opt.NamePool > 1 || opt.NamePool != opt.NamePool {
		return opt, e, errs.Field("name_pool", "must be from 0 to 1")
	}
	if opt.SecondGiven < 0 || opt.SecondGiven > 1 || opt.SecondGiven != opt.SecondGiven {
		return opt, e, errs.Field("second_given", "must be from 0 to 1")
	}
	if opt.Errors == nil {
		e = *DefaultErrors()
	} else {
		e = *opt.Errors
	}
	for _, p := range e.rates() {
		if !(*p >= 0 && *p <= 1) {
			return opt, e, errs.Field("errors", "every error rate must be between 0 and 1")
		}
	}
	return opt, e, nil
}

func isAlpha2(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}
