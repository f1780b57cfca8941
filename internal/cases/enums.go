package cases

import "slices"

// The lists below are the valid values of each enumeration, in the order
// forms show them. The values are stored in the database and sent to the
// hub: never rename one, add new ones.

// Sexes lists every Sex.
var Sexes = []Sex{SexFemale, SexMale, SexOther, SexUnknown}

// Precisions lists every Precision.
var Precisions = []Precision{PrecisionExact, PrecisionMonth, PrecisionYear, PrecisionEstimated, PrecisionUnknown}

// AssessmentMethods lists every AssessmentMethod.
var AssessmentMethods = []AssessmentMethod{MethodDocuments, MethodMedical, MethodPsychosocial, MethodInterview}

// Categories lists every Category.
var Categories = []Category{CatUnaccompanied, CatSeparated, CatPresumedTrafficking, CatIdentifiedTrafficked,
	CatMissingFromCare, CatCriminalExploitation, CatFalseFamily, CatOther}

// Exploitations lists every form of Exploitation.
var Exploitations = []Exploitation{ExpSexual, ExpForcedLabour, ExpSlavery, ExpCriminalActivity,
	ExpOrganRemoval, ExpForcedMarriage, ExpIllegalAdoption, ExpSurrogacy}

// EvidenceLevels lists every Evidence level, firmest first.
var EvidenceLevels = []Evidence{EvidenceIdentified, EvidencePresumed, EvidenceSuspicion}

// Statuses lists every Status.
var Statuses = []Status{StatusOpen, StatusClosureRequested, StatusClosed}

// Placements lists every Placement.
var Placements = []Placement{PlaceReception, PlaceFoster, PlaceInstitution, PlaceRelatives, PlaceUnknown}

// Handlings lists every handling code.
var Handlings = []Handling{H0, H1, H2, H3}

// DefaultHandling is the handling code of a case whose input names none:
// the protective choice, since a case is shared only with the originator's
// permission unless someone decides otherwise.
const DefaultHandling = H2

// EventTypes lists every EventType.
var EventTypes = []EventType{EvRegistered, EvPlaced, EvAgeAssessed, EvWentMissing, EvLocated,
	EvReferred, EvReturned, EvTransferred, EvClosed}

// PlaceTypes lists the types of place an event may name (Event.PlaceType).
// They are coded, not free text, so that they can be counted and never
// carry an address.
var PlaceTypes = []string{
	"reception_centre", "foster_family", "institution", "relatives", "street", "border",
	"police", "hospital", "school", "transport", "private_address", "abroad", "other",
}

// Valid reports whether s is a known Sex.
func (s Sex) Valid() bool { return slices.Contains(Sexes, s) }

// Valid reports whether p is a known Precision.
func (p Precision) Valid() bool { return slices.Contains(Precisions, p) }

// Valid reports whether m is a known AssessmentMethod.
func (m AssessmentMethod) Valid() bool { return slices.Contains(AssessmentMethods, m) }

// Valid reports whether c is a known Category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Valid reports whether e is a known form of Exploitation.
func (e Exploitation) Valid() bool { return slices.Contains(Exploitations, e) }

// Valid reports whether e is a known Evidence level.
func (e Evidence) Valid() bool { return slices.Contains(EvidenceLevels, e) }

// Valid reports whether s is a known Status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Valid reports whether p is a known Placement.
func (p Placement) Valid() bool { return slices.Contains(Placements, p) }

// Valid reports whether h is a known handling code.
func (h Handling) Valid() bool { return slices.Contains(Handlings, h) }

// Valid reports whether t is a known EventType.
func (t EventType) Valid() bool { return slices.Contains(EventTypes, t) }

// ValidPlaceType reports whether p is one of PlaceTypes.
func ValidPlaceType(p string) bool { return slices.Contains(PlaceTypes, p) }
