package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// usersData is the data of the user list.
type usersData struct {
	Users        []*auth.User
	Roles        []auth.Role
	Role         string
	Status       string
	Country      string
	AllCountries bool // the actor may see and choose every country
}

// usernamePattern is auth's rule for user names.
var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// assignable returns the roles the actor may give: every role for the
// network administrator; officers, supervisors and auditors of their own
// country for a country administrator. The service decides again.
func assignable(a auth.Actor) []auth.Role {
	if a.Role == auth.RoleNetworkAdmin {
		return auth.Roles
	}
	var out []auth.Role
	for _, r := range auth.Roles {
		if r != auth.RoleNetworkAdmin && r != auth.RoleCountryAdmin {
			out = append(out, r)
		}
	}
	return out
}

// countryCode returns s as an upper-case ISO 3166-1 alpha-2 code, or ""
// and false.
func countryCode(s string) (auth.Country, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return "", false
	}
	return auth.Country(s), true
}

// usersPage lists the accounts the actor manages (the service scopes them
// to the actor's country unless they are the network administrator).
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	a := st.actor()
	q := r.URL.Query()
	d := usersData{Roles: assignable(a), AllCountries: a.Role == auth.RoleNetworkAdmin, Status: q.Get("status")}
	p := &page{TitleKey: "users.title"}
	var f auth.UserFilter
	if role := auth.Role(q.Get("role")); role.Valid() {
		f.Role, d.Role = role, string(role)
	}
	if c := q.Get("country"); c != "" && d.AllCountries {
		if code, ok := countryCode(c); ok {
			f.Country, d.Country = code, string(code)
		} else {
			d.Country = c
			p.addError("country", st.tr.T("users.country_invalid"))
		}
	}
	users, err := s.deps.Auth.ListUsers(r.Context(), a, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, u := range users {
		if (d.Status == "active" && u.Disabled) || (d.Status == "disabled" && !u.Disabled) {
			continue
		}
		d.Users = append(d.Users, u)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "users", p)
}

// newUserData is the data of the user creation form.
type newUserData struct {
	Roles        []auth.Role
	AllCountries bool
	Country      auth.Country
}

func (s *Server) userNewPage(w http.ResponseWriter, r *http.Request) {
	s.renderUserNew(w, r, http.StatusOK, &page{})
}

func (s *Server) renderUserNew(w http.ResponseWriter, r *http.Request, status int, p *page) {
	a := state(r).actor()
	p.TitleKey = "users.new_title"
	p.Data = newUserData{Roles: assignable(a), AllCountries: a.Role == auth.RoleNetworkAdmin, Country: a.Country}
	s.render(w, r, status, "user_new", p)
}

// secretData is the data of the page that shows an enrolment link once.
type secretData struct {
	UserID   int64
	Username string
	Link     string
	Pending  bool
}

// userCreate creates an account and shows its one-time enrolment link
// once, in this response only: the new user sets their own password there,
// so the administrator never knows it (issue 10 H2).
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	a := st.actor()
	nu := auth.NewUser{
		Username:    strings.ToLower(strings.TrimSpace(r.PostForm.Get("username"))),
		DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
		Role:        auth.Role(r.PostForm.Get("role")),
		Country:     a.Country,
	}
	p := &page{Values: map[string]string{
		"username": nu.Username, "display_name": nu.DisplayName,
		"role": string(nu.Role), "country": r.PostForm.Get("country"),
	}}
	switch {
	case nu.Username == "":
		p.addError("username", tr.T("users.username_required"))
	case !usernamePattern.MatchString(nu.Username):
		// The service checks the same pattern; checking it here too
		// reports it together with the form's other errors.
		p.addError("username", tr.T("users.username_invalid"))
	}
	if nu.DisplayName == "" {
		p.addError("display_name", tr.T("users.display_name_required"))
	} else if utf8.RuneCountInString(nu.DisplayName) > 100 {
		p.addError("display_name", tr.T("users.display_name_long", "n", 100))
	}
	if !nu.Role.Valid() {
		p.addError("role", tr.T("users.role_required"))
	}
	if a.Role == auth.RoleNetworkAdmin {
		nu.Country = ""
		if c := r.PostForm.Get("country"); c != "" || nu.Role != auth.RoleNetworkAdmin {
			code, ok := countryCode(c)
			if !ok {
				p.addError("country", tr.T("users.country_invalid"))
			}
			nu.Country = code
		}
	}
	if len(p.Errors) > 0 {
		s.renderUserNew(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	u, token, err := s.deps.Auth.InviteUser(r.Context(), a, nu)
	switch errs.CodeOf(err) {
	case "":
		s.render(w, r, http.StatusOK, "secret", &page{
			TitleKey: "users.created_title",
			Data:     secretData{UserID: u.ID, Username: u.Username, Link: s.enrolLink(r, token), Pending: u.Pending},
		})
		return
	case errs.Conflict:
		p.addError("username", tr.T("users.username_taken"))
	case errs.Forbidden:
		p.addError("role", tr.T("users.role_forbidden"))
	case errs.Invalid:
		switch errs.FieldOf(err) {
		case "display_name":
			p.addError("display_name", tr.T("users.display_name_invalid"))
		case "role":
			p.addError("role", tr.T("users.role_required"))
		case "country":
			p.addError("country", tr.T("users.country_invalid"))
		default:
			p.addError("username", tr.T("users.username_invalid"))
		}
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderUserNew(w, r, errs.HTTPStatus(err), p)
}

// userNotices are the confirmations of the user page, named by ?done=.
var userNotices = map[string]string{
	"disabled":      "users.notice_disabled",
	"enabled":       "users.notice_enabled",
	"second_factor": "users.notice_second_factor",
	"approved":      "users.notice_approved",
}

// userData is the data of one user's page.
type userData struct {
	Target *auth.User
}

// pathID reads the {id} of the route; a malformed one is a 404.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) {
	s.renderUser(w, r, http.StatusOK, &page{NoticeKey: userNotices[r.URL.Query().Get("done")]})
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, p *page) {
	id, ok := pathID(r)
	if !ok {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	u, err := s.deps.Auth.User(r.Context(), state(r).actor(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.TitleKey = "users.user_title"
	p.Data = userData{Target: u}
	s.render(w, r, status, "user", p)
}

// userAct runs an administrative act on the user of the path and returns
// to their page; a refusal by the service (such as disabling oneself) is
// shown there.
func (s *Server) userAct(w http.ResponseWriter, r *http.Request, done string, act func(a auth.Actor, id int64) error) {
	id, ok := pathID(r)
	if !ok {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	err := act(state(r).actor(), id)
	switch errs.CodeOf(err) {
	case "":
		http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
	case errs.Conflict, errs.Invalid, errs.Forbidden:
		// Refusals such as acting on one's own account.
		p := &page{}
		p.addError("", state(r).tr.T("users.action_refused"))
		s.renderUser(w, r, errs.HTTPStatus(err), p)
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) {
	s.userAct(w, r, "disabled", func(a auth.Actor, id int64) error {
		return s.deps.Auth.SetDisabled(r.Context(), a, id, true)
	})
}

func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) {
	s.userAct(w, r, "enabled", func(a auth.Actor, id int64) error {
		return s.deps.Auth.SetDisabled(r.Context(), a, id, false)
	})
}

func (s *Server) userResetSecondFactor(w http.ResponseWriter, r *http.Request) {
	s.userAct(w, r, "second_factor", func(a auth.Actor, id int64) error {
		return s.deps.Auth.ResetSecondFactor(r.Context(), a, id)
	})
}

// userResetPassword replaces the password by a new enrolment link, shown
// once: the administrator never learns the password.
func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	a := state(r).actor()
	u, err := s.deps.Auth.User(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	token, err := s.deps.Auth.ReissueLink(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "secret", &page{
		TitleKey: "users.password_reset_title",
		Data:     secretData{UserID: u.ID, Username: u.Username, Link: s.enrolLink(r, token), Pending: u.Pending},
	})
}
