package web

import (
	"fmt"
	"github.com/cbss-egcc/childcentre/internal/api"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// The case registry's pages (handlers_cases*.go): the search (/children),
// registration with the duplicate check (/children/new), a child's page,
// edit form and history, a case's page with its timeline and workflow, the
// case edit form and the print view. The service (cases.Service) checks
// permission and country again on every call and audits every read; the
// handlers only translate forms into its inputs and its errors into the
// catalogue's messages.

// The catalogue keys of the registry's codes. A code the catalogue does not
// know (a later version's) is shown as it is; TestRegistryLabels checks
// that every code of package cases has a key.
var (
	sexKeys = map[string]string{
		string(cases.SexFemale): "enum.sex.female", string(cases.SexMale): "enum.sex.male",
		string(cases.SexOther): "enum.sex.other", string(cases.SexUnknown): "enum.sex.unknown",
	}
	precisionKeys = map[string]string{
		string(cases.PrecisionExact): "enum.precision.exact", string(cases.PrecisionMonth): "enum.precision.month",
		string(cases.PrecisionYear): "enum.precision.year", string(cases.PrecisionEstimated): "enum.precision.estimated",
		string(cases.PrecisionUnknown): "enum.precision.unknown",
	}
	methodKeys = map[string]string{
		string(cases.MethodDocuments): "enum.method.documents", string(cases.MethodMedical): "enum.method.medical",
		string(cases.MethodPsychosocial): "enum.method.psychosocial", string(cases.MethodInterview): "enum.method.interview",
	}
	categoryKeys = map[string]string{
		string(cases.CatUnaccompanied):        "enum.category.unaccompanied",
		string(cases.CatSeparated):            "enum.category.separated",
		string(cases.CatPresumedTrafficking):  "enum.category.presumed_trafficking",
		string(cases.CatIdentifiedTrafficked): "enum.category.identified_trafficking",
		string(cases.CatMissingFromCare):      "enum.category.missing_from_care",
		string(cases.CatCriminalExploitation): "enum.category.criminal_exploitation",
		string(cases.CatFalseFamily):          "enum.category.false_family",
		string(cases.CatOther):                "enum.category.other",
	}
	exploitationKeys = map[string]string{
		string(cases.ExpSexual):           "enum.exploitation.sexual",
		string(cases.ExpForcedLabour):     "enum.exploitation.forced_labour",
		string(cases.ExpSlavery):          "enum.exploitation.slavery",
		string(cases.ExpCriminalActivity): "enum.exploitation.criminal_activities",
		string(cases.ExpOrganRemoval):     "enum.exploitation.organ_removal",
		string(cases.ExpForcedMarriage):   "enum.exploitation.forced_marriage",
		string(cases.ExpIllegalAdoption):  "enum.exploitation.illegal_adoption",
		string(cases.ExpSurrogacy):        "enum.exploitation.surrogacy",
	}
	evidenceKeys = map[string]string{
		string(cases.EvidenceIdentified): "enum.evidence.identified",
		string(cases.EvidencePresumed):   "enum.evidence.presumed",
		string(cases.EvidenceSuspicion):  "enum.evidence.suspicion",
	}
	statusKeys = map[string]string{
		string(cases.StatusOpen):             "enum.status.open",
		string(cases.StatusClosureRequested): "enum.status.closure_requested",
		string(cases.StatusClosed):           "enum.status.closed",
	}
	placementKeys = map[string]string{
		string(cases.PlaceReception): "enum.placement.reception_centre", string(cases.PlaceFoster): "enum.placement.foster_family",
		string(cases.PlaceInstitution): "enum.placement.institution", string(cases.PlaceRelatives): "enum.placement.relatives",
		string(cases.PlaceUnknown): "enum.placement.unknown",
	}
	handlingKeys = map[string]string{
		string(cases.H0): "enum.handling.H0", string(cases.H1): "enum.handling.H1",
		string(cases.H2): "enum.handling.H2", string(cases.H3): "enum.handling.H3",
	}
	eventKeys = map[string]string{
		string(cases.EvRegistered): "enum.event.registered", string(cases.EvPlaced): "enum.event.placed",
		string(cases.EvAgeAssessed): "enum.event.age_assessed", string(cases.EvWentMissing): "enum.event.went_missing",
		string(cases.EvLocated): "enum.event.located", string(cases.EvReferred): "enum.event.referred",
		string(cases.EvReturned): "enum.event.returned", string(cases.EvTransferred): "enum.event.transferred",
		string(cases.EvClosed): "enum.event.closed",
	}
	placeKeys = map[string]string{
		"reception_centre": "enum.place.reception_centre", "foster_family": "enum.place.foster_family",
		"institution": "enum.place.institution", "relatives": "enum.place.relatives", "street": "enum.place.street",
		"border": "enum.place.border", "police": "enum.place.police", "hospital": "enum.place.hospital",
		"school": "enum.place.school", "transport": "enum.place.transport", "private_address": "enum.place.private_address",
		"abroad": "enum.place.abroad", "other": "enum.place.other",
	}
	// changeKeys name the actions of a record's history (cases.Change.Action):
	// the service's own and, for events, the event types.
	changeKeys = map[string]string{
		"create": "enum.change.create", "update": "enum.change.update",
		"close_requested": "enum.change.close_requested", "close_rejected": "enum.change.close_rejected",
		"closed": "enum.change.closed", "placed": "enum.change.placed", "age_assessed": "enum.change.age_assessed",
		"went_missing": "enum.change.went_missing", "located": "enum.change.located", "referred": "enum.change.referred",
		"returned": "enum.change.returned", "transferred": "enum.change.transferred",
	}
	// fieldKeys name the fields a history entry lists.
	fieldKeys = map[string]string{
		"national_ref": "register.national_ref", "given_names": "register.given_names",
		"family_name": "register.family_name", "aliases": "register.aliases", "sex": "register.sex",
		"birth_date": "register.birth_date", "birth_precision": "register.birth_precision",
		"assessments": "register.assessments", "citizenships": "register.citizenships",
		"languages": "register.languages", "birth_place": "register.birth_place", "notes": "register.notes",
		"category": "register.category", "exploitation": "register.exploitation", "evidence": "register.evidence",
		"responsible_org": "register.responsible_org", "placement": "register.placement",
		"legal_basis": "register.legal_basis", "consent": "register.consent", "handling": "register.handling",
		"opened_at": "case.opened", "status": "case.status", "missing": "case.missing_field",
	}
)

// enumKeys are the maps above by kind, for the template function "enum".
var enumKeys = map[string]map[string]string{
	"sex": sexKeys, "precision": precisionKeys, "method": methodKeys, "category": categoryKeys,
	"exploitation": exploitationKeys, "evidence": evidenceKeys, "status": statusKeys,
	"placement": placementKeys, "handling": handlingKeys, "event": eventKeys, "place": placeKeys,
	"change": changeKeys, "field": fieldKeys,
}

// choice is one option of a select, radio group or set of checkboxes.
type choice struct {
	Value    string
	LabelKey string // catalogue key of the label
	Label    string // the label itself, when there is no key (names of scripts)
}

// choicesOf lists codes in the order package cases gives them.
func choicesOf[T ~string](codes []T, keys map[string]string) []choice {
	out := make([]choice, len(codes))
	for i, c := range codes {
		out[i] = choice{Value: string(c), LabelKey: keys[string(c)]}
	}
	return out
}

// The options of the registry's forms.
var (
	sexChoices          = choicesOf(cases.Sexes, sexKeys)
	precisionChoices    = append([]choice{{Value: "", LabelKey: "register.precision_from_date"}}, choicesOf(cases.Precisions, precisionKeys)...)
	methodChoices       = append([]choice{{Value: "", LabelKey: "register.choose"}}, choicesOf(cases.AssessmentMethods, methodKeys)...)
	categoryChoices     = choicesOf(cases.Categories, categoryKeys)
	exploitationChoices = choicesOf(cases.Exploitations, exploitationKeys)
	evidenceChoices     = choicesOf(cases.EvidenceLevels, evidenceKeys)
	placementChoices    = choicesOf(cases.Placements, placementKeys)
	handlingChoices     = choicesOf(cases.Handlings, handlingKeys)
	statusChoices       = append([]choice{{Value: "", LabelKey: "children.any"}}, choicesOf(cases.Statuses, statusKeys)...)
	anyCategoryChoices  = append([]choice{{Value: "", LabelKey: "children.any"}}, categoryChoices...)
	anyEvidenceChoices  = append([]choice{{Value: "", LabelKey: "children.any"}}, evidenceChoices...)
	missingChoices      = []choice{{Value: "", LabelKey: "children.any"}, {Value: "yes", LabelKey: "children.missing_yes"}, {Value: "no", LabelKey: "children.missing_no"}}
	placeChoices        = append([]choice{{Value: "", LabelKey: "case.place_none"}}, choicesOf(cases.PlaceTypes, placeKeys)...)
	// eventChoices are the events an officer records by hand: the registry
	// itself records "registered" and "closed".
	eventChoices = func() []choice {
		out := []choice{{Value: "", LabelKey: "register.choose"}}
		for _, c := range choicesOf(cases.EventTypes, eventKeys) {
			if c.Value != string(cases.EvRegistered) && c.Value != string(cases.EvClosed) {
				out = append(out, c)
			}
		}
		return out
	}()
)

// scriptCodes are the scripts offered for an alias (ISO 15924); the
// service accepts any code, and guesses one when none is given.
var scriptCodes = []string{"Latn", "Cyrl", "Arab", "Grek", "Ethi", "Armn", "Geor", "Hebr", "Deva", "Beng", "Thaa", "Hans"}

// registryFuncs are the template functions of the registry's pages in
// lang, with times in loc, the node's zone.
func registryFuncs(cat *i18n.Catalog, tr *i18n.Translator, lang string, loc *time.Location) template.FuncMap {
	tag := language.Make(lang)
	languages, regions, scripts := display.Languages(tag), display.Regions(tag), display.Scripts(tag)
	scriptName := func(code string) string {
		if sc, err := language.ParseScript(code); err == nil {
			if n := scripts.Name(sc); n != "" {
				return n + " (" + code + ")"
			}
		}
		return code
	}
	return template.FuncMap{
		// enum translates a code of one of the registry's enumerations.
		"enum":    func(kind string, code any) string { return enumLabel(cat, tr, lang, kind, fmt.Sprint(code)) },
		"options": withOptions,
		"optionTags": func(f choiceField) template.HTML {
			return f.optionTags(tr.T)
		},
		"has": func(list string, v any) bool {
			return hasWord(list, fmt.Sprint(v))
		},
		// ref shortens a child's 128-bit reference to the 12 hex digits
		// staff quote: unique enough within a node, and pseudonymous.
		"ref": shortRef,
		"minute": func(t time.Time) string {
			if t.IsZero() {
				return "–"
			}
			return t.In(loc).Format(minuteLayout)
		},
		// day is the node's calendar day of an instant (a case opened,
		// a child registered). Dates that are not instants (birth,
		// assessments) are strings and never pass through it.
		"day": func(t time.Time) string {
			if t.IsZero() {
				return "–"
			}
			return t.In(loc).Format(time.DateOnly)
		},
		"percent": percent,
		"languageName": func(code string) string {
			if n := languages.Name(language.Make(code)); n != "" && !strings.EqualFold(n, code) {
				return n + " (" + code + ")"
			}
			return code
		},
		"countryName": func(code string) string {
			if r, err := language.ParseRegion(code); err == nil {
				if n := regions.Name(r); n != "" {
					return n + " (" + code + ")"
				}
			}
			return code
		},
		"scriptName": scriptName,
		"scripts": func(current string) []choice {
			out := []choice{{Value: "", LabelKey: "register.script_detect"}}
			known := false
			for _, c := range scriptCodes {
				out = append(out, choice{Value: c, Label: scriptName(c)})
				known = known || c == current
			}
			if current != "" && !known {
				out = append(out, choice{Value: current, Label: scriptName(current)})
			}
			return out
		},
		"row": func(i int) int { return i + 1 },
		"by":  authorOf,
	}
}

// percent is a score of 0..1 as a rounded percentage.
func percent(f float64) int { return int(f*100 + 0.5) }

// enumLabel is the label of a code of kind (a key of enumKeys) in lang
// when the catalogue has it, else the code itself.
func enumLabel(cat *i18n.Catalog, tr *i18n.Translator, lang, kind, code string) string {
	if k, ok := enumKeys[kind][code]; ok && cat.Has(lang, k) {
		return tr.T(k)
	}
	return code
}

// shortRef is the first 12 hex digits of a reference, in groups of four.
func shortRef(ref string) string {
	if len(ref) < 12 {
		return ref
	}
	return ref[0:4] + "-" + ref[4:8] + "-" + ref[8:12]
}

// hasWord reports whether the space-separated list holds v.
func hasWord(list, v string) bool {
	for _, w := range strings.Fields(list) {
		if w == v {
			return true
		}
	}
	return false
}

// choiceField is a form control with options: a select, a radio group
// or a set of checkboxes (whose value is the space-separated list of the
// checked options).
type choiceField struct {
	input
	Options []choice
}

// Checked reports whether the option v is chosen.
func (f choiceField) Checked(v string) bool {
	if f.Type == "checkbox" {
		return hasWord(f.Value(), v)
	}
	return f.Value() == v
}

func withOptions(opts []choice, in input) choiceField { return choiceField{input: in, Options: opts} }

// optionTags writes the <option> elements of a select, every value and
// label escaped: in the template each option was four reflective calls,
// and the search page's filters alone have some twenty options.
func (f choiceField) optionTags(t func(key string, args ...any) string) template.HTML {
	var b strings.Builder
	for _, o := range f.Options {
		label := o.Label
		if o.LabelKey != "" {
			label = t(o.LabelKey)
		}
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(o.Value))
		b.WriteByte('"')
		if f.Checked(o.Value) {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(html.EscapeString(label))
		b.WriteString("</option>\n  ")
	}
	return template.HTML(b.String())
}

// registry returns the case registry, or answers 503 when the node has
// not wired one.
func (s *Server) registry(w http.ResponseWriter, r *http.Request) *cases.Service {
	if s.deps.Cases == nil {
		s.log.Error("case registry route without a registry", "route", r.Pattern)
		s.renderStatus(w, r, http.StatusServiceUnavailable)
	}
	return s.deps.Cases
}

// registryRecord is the start of every handler of one child or case: the
// registry (503 without one) and the record id of the path (404 if it is
// not a number). ok is false when the response has been written.
func (s *Server) registryRecord(w http.ResponseWriter, r *http.Request) (*cases.Service, int64, bool) {
	svc := s.registry(w, r)
	if svc == nil {
		return nil, 0, false
	}
	id, ok := pathID(r)
	if !ok {
		s.renderStatus(w, r, http.StatusNotFound)
		return nil, 0, false
	}
	return svc, id, true
}

func childURL(id int64, suffix string) string {
	return "/children/" + strconv.FormatInt(id, 10) + suffix
}

func caseURL(id int64, suffix string) string {
	return "/cases/" + strconv.FormatInt(id, 10) + suffix
}

// export streams the country's own records as CSV or JSON (?format=) to a
// user with PermCasesExport; the exporter audits it as data.export.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	if s.deps.Exporter == nil {
		s.log.Error("export route without an exporter")
		s.renderStatus(w, r, http.StatusServiceUnavailable)
		return
	}
	f, err := api.ParseFormat(r.URL.Query().Get("format"))
	if err == nil {
		err = s.deps.Exporter.Serve(w, r, state(r).actor(), f)
	}
	if err != nil {
		s.renderError(w, r, err)
	}
}
