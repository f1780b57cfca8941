package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Registration is two steps without JavaScript. The form posts to
// /children with step "check": the service looks for possible duplicates
// among the children already held (cases.Service.Duplicates). None: the
// child is registered at once. Some: they are shown, with the form's data
// carried in hidden fields and a token, and the officer either attaches the
// registration to one of them (step "attach") or confirms a new child
// (step "new"), or goes back to change the form (step "edit"). The token
// is an HMAC, under the node's CSRF key, of the session, the data and the
// candidates shown: "attach" and "new" are accepted only for exactly the
// data that was checked and only for a candidate that was shown;
// otherwise the check runs again. The token keeps nothing on the server.

// registerForm is the data of the registration form.
type registerForm struct {
	formOptions
	AliasRows  []int
	AssessRows []int
}

// formOptions are the options of the child and case forms.
type formOptions struct {
	Sexes, Precisions, Methods, Categories, Exploitations, Evidence, Placements, Handlings []choice
}

var registryOptions = formOptions{
	Sexes: sexChoices, Precisions: precisionChoices, Methods: methodChoices, Categories: categoryChoices,
	Exploitations: exploitationChoices, Evidence: evidenceChoices, Placements: placementChoices, Handlings: handlingChoices,
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	if s.registry(w, r) == nil {
		return
	}
	s.renderRegister(w, r, http.StatusOK, &page{Values: map[string]string{
		"handling": string(cases.DefaultHandling), "placement": string(cases.PlaceUnknown),
	}})
}

func (s *Server) renderRegister(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.TitleKey = "register.title"
	p.Data = registerForm{
		formOptions: registryOptions,
		AliasRows:   rows(p.Values, aliasInputs, aliasRowsMin, maxAliasRows),
		AssessRows:  rows(p.Values, assessInputs, assessRowsMin, maxAssessRows),
	}
	s.render(w, r, status, "register", p)
}

// hiddenField is a form value carried through the duplicates page.
type hiddenField struct{ Name, Value string }

// duplicatesData is the data of the page of possible duplicates.
type duplicatesData struct {
	Candidates []cases.Candidate
	Hidden     []hiddenField
	IDs        string // the candidates shown, as the token covers them
	Token      string
}

// registerSubmit runs the steps of a registration.
func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request) {
	svc := s.registry(w, r)
	if svc == nil {
		return
	}
	st := state(r)
	tr := st.tr
	a := st.actor()
	f := r.PostForm
	p := &page{Values: map[string]string{}}
	cf := readChildForm(f, p)
	cs := readCaseForm(f, p)

	switch f.Get("step") {
	case "edit":
		s.renderRegister(w, r, http.StatusOK, p)
		return
	case "new":
		if _, ok := s.checkedDuplicates(st, f); ok {
			s.register(w, r, p, cf, cs)
			return
		}
	case "attach":
		id, err := strconv.ParseInt(f.Get("attach"), 10, 64)
		if ids, ok := s.checkedDuplicates(st, f); ok && err == nil && slices.Contains(ids, id) {
			s.attach(w, r, p, id, cf, cs)
			return
		}
	}

	// The duplicate check: the form's own checks and the service's
	// validation of the child first, all shown at once.
	checkChoices(p, tr, &cf.in, &cs)
	cands, err := svc.Duplicates(r.Context(), a, cf.in)
	switch {
	case isInvalid(err):
		addFieldErrors(p, tr, err, cf.input)
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	if len(p.Errors) > 0 {
		s.renderRegister(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if len(cands) == 0 {
		s.register(w, r, p, cf, cs)
		return
	}
	data := registrationData(f)
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.Child.ID
	}
	d := duplicatesData{Candidates: cands, IDs: joinIDs(ids), Token: s.duplicateToken(st, data, ids)}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range data[k] {
			d.Hidden = append(d.Hidden, hiddenField{k, v})
		}
	}
	// The registration itself is shown beside the candidates, from what
	// was typed (p.Values), for the officer to compare.
	s.render(w, r, http.StatusOK, "register_duplicates", &page{TitleKey: "register.duplicates_title", Values: p.Values, Data: d})
}

// register registers a new child and opens their case.
func (s *Server) register(w http.ResponseWriter, r *http.Request, p *page, cf childForm, cs cases.CaseInput) {
	st := state(r)
	c, _, err := s.deps.Cases.Register(r.Context(), st.actor(), cf.in, cs)
	if err == nil {
		http.Redirect(w, r, childURL(c.ID, "?done=registered"), http.StatusSeeOther)
		return
	}
	s.registrationFailed(w, r, p, cf, err)
}

// attach records the registration as a new case of a child already held.
func (s *Server) attach(w http.ResponseWriter, r *http.Request, p *page, childID int64, cf childForm, cs cases.CaseInput) {
	st := state(r)
	k, err := s.deps.Cases.Attach(r.Context(), st.actor(), childID, cf.in, cs)
	if err == nil {
		http.Redirect(w, r, caseURL(k.ID, "?done=attached"), http.StatusSeeOther)
		return
	}
	s.registrationFailed(w, r, p, cf, err)
}

// registrationFailed shows the form again with what the service refused.
func (s *Server) registrationFailed(w http.ResponseWriter, r *http.Request, p *page, cf childForm, err error) {
	tr := state(r).tr
	switch {
	case isInvalid(err):
		addFieldErrors(p, tr, err, cf.input)
	case errs.CodeOf(err) == errs.Conflict && errs.FieldOf(err) == "national_ref":
		p.addError("national_ref", tr.T("register.err_national_ref_taken"))
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderRegister(w, r, errs.HTTPStatus(err), p)
}

// registrationInput matches the names of the registration form's inputs.
var registrationInput = regexp.MustCompile(`^(alias_(name|script|source)|assess_(date|method|outcome|by))_\d{1,2}$`)

// registrationData is the registration form's data, without empty values
// and without anything else the request carried.
func registrationData(f url.Values) url.Values {
	out := url.Values{}
	for k, vs := range f {
		if !slices.Contains(childFields, k) && !slices.Contains(caseFields, k) &&
			k != "exploitation" && k != "consent" && !registrationInput.MatchString(k) {
			continue
		}
		for _, v := range vs {
			if v != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

// duplicateToken binds the data checked and the candidates shown to the
// session.
func (s *Server) duplicateToken(st *reqState, data url.Values, ids []int64) string {
	h := sha256.Sum256([]byte(st.token))
	msg := append(h[:], data.Encode()...)
	msg = append(msg, 0)
	msg = append(msg, joinIDs(ids)...)
	return s.mac("duplicates", msg)
}

// checkedDuplicates returns the candidates a confirmation names and
// whether its token shows that they were shown for exactly this data.
func (s *Server) checkedDuplicates(st *reqState, f url.Values) ([]int64, bool) {
	got := f.Get("dup_token")
	if got == "" || st.token == "" {
		return nil, false
	}
	var ids []int64
	for _, v := range strings.Split(f.Get("candidates"), ",") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, false
		}
		ids = append(ids, id)
	}
	want := s.duplicateToken(st, registrationData(f), ids)
	return ids, hmac.Equal([]byte(got), []byte(want))
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}
