package synth

import "github.com/cbss-egcc/childcentre/internal/errs"

// Presets of difficulty. The original generator (no preset) was written by
// the same hands as the linker, and its errors turned out milder than those
// of registrations in the field. The presets widen them to the profile seen
// on independent data of children on the move: estimated dates of birth
// after an age assessment that are one or two years off and recorded as
// 1 January, 1 July or a bare year, often without the flag that marks them
// estimated; small day errors and transposed digits; many missing dates;
// more typing errors and transliteration variants; given and family names
// swapped; a second given name dropped; and smaller pools of common names,
// so that unrelated children of one origin share a name as often as in a
// real population.
//
// The field preset's rates are calibrated, not guessed: the linker as it
// stood before the presets (commit 497d864, child schema) scored F1 0.73
// (precision 0.76, recall 0.70) at 20,000 children and 0.63 at 50,000 on an
// independent generator of such registrations, and about 0.98 with its date
// errors removed. With these rates the same linker scores 0.72 (0.78, 0.67)
// and 0.65 on this generator, and 0.97 without date errors (docs/linkage.md,
// Generator presets). Harsh is beyond that, a stress test.
const (
	PresetMild  = "mild"  // the original error rates with second given names
	PresetField = "field" // the error profile of registrations in the field
	PresetHarsh = "harsh" // worse than the field: a stress test
)

// Presets lists the preset names.
var Presets = []string{PresetMild, PresetField, PresetHarsh}

type preset struct {
	errors      func() *Errors
	namePool    float64
	secondGiven float64
}

var presets = map[string]preset{
	PresetMild: {errors: func() *Errors {
		e := DefaultErrors()
		e.DropSecond = 0.2
		return e
	}, namePool: 1, secondGiven: 0.1},
	PresetField: {errors: func() *Errors {
		e := DefaultErrors()
		e.Variant, e.Transliteration, e.Typo = 0.40, 0.45, 0.08
		e.Swap, e.OneField = 0.15, 0.06
		e.AgeAssessment, e.AssessedYearOff = 0.35, 0.50
		e.EstimatedJuly, e.EstimatedYear, e.EstimatedUnflagged = 0.25, 0.20, 0.30
		e.DayMonthSwap, e.DateTypo, e.DayOff, e.DigitSwap = 0.04, 0.02, 0.03, 0.02
		e.PartialDate, e.MissingDOB = 0.02, 0.05
		e.MissingSex, e.MissingCitizen, e.WrongCitizen = 0.05, 0.12, 0.04
		e.DropSecond = 0.40
		return e
	}, namePool: 0.35, secondGiven: 0.25},
	PresetHarsh: {errors: func() *Errors {
		e := DefaultErrors()
		e.Variant, e.Transliteration, e.Typo = 0.50, 0.55, 0.12
		e.Swap, e.OneField = 0.20, 0.08
		e.AgeAssessment, e.AssessedYearOff = 0.65, 0.70
		e.EstimatedJuly, e.EstimatedYear, e.EstimatedUnflagged = 0.30, 0.25, 0.50
		e.DayMonthSwap, e.DateTypo, e.DayOff, e.DigitSwap = 0.07, 0.05, 0.10, 0.05
		e.PartialDate, e.MissingDOB = 0.05, 0.20
		e.MissingSex, e.MissingCitizen, e.WrongCitizen, e.WrongSex = 0.08, 0.20, 0.06, 0.01
		e.MissingGiven, e.MissingFamily = 0.02, 0.02
		e.DropSecond = 0.50
		return e
	}, namePool: 0.3, secondGiven: 0.35},
}

// PresetErrors returns the error rates of a preset.
func PresetErrors(name string) (*Errors, bool) {
	p, ok := presets[name]
	if !ok {
		return nil, false
	}
	return p.errors(), true
}

// applyPreset fills in what the preset sets and opt leaves unset.
func (opt *Options) applyPreset() error {
	if opt.Preset == "" {
		return nil
	}
	p, ok := presets[opt.Preset]
	if !ok {
		return errs.Field("preset", "unknown preset (known: mild, field, harsh)")
	}
	if opt.Errors == nil {
		opt.Errors = p.errors()
	}
	if opt.NamePool == 0 {
		opt.NamePool = p.namePool
	}
	if opt.SecondGiven == 0 {
		opt.SecondGiven = p.secondGiven
	}
	return nil
}
