package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The audit page fits the screen: actors by name and role, details cut
// short, and every entry whole on a page of its own (/audit/{seq}).

var (
	// actorRefRE and targetRefRE are the references the filters take.
	actorRefRE  = regexp.MustCompile(`^(?:(?:user|token):[1-9][0-9]{0,18}|system|anonymous)$`)
	targetRefRE = regexp.MustCompile(`^(?:[a-z][a-z_]{0,19}:[1-9][0-9]{0,18}|audit)$`)
	usernameRE  = regexp.MustCompile(`^[\p{L}\p{N}._@-]{1,64}$`)
)

// auditDetailShort is how many characters of a detail the list shows.
const auditDetailShort = 48

// auditRow is one entry of the list, with its actor's name.
type auditRow struct {
	audit.Entry
	ActorName string // username, "API: name", or the reference
	Short     string // the detail, cut to auditDetailShort characters
	Cut       bool   // Short is shorter than Detail
}

// auditActorRef turns what the auditor typed as an actor into the
// reference searched and recorded; ok is false for something that is
// neither a reference nor a username, known is false for a username of no
// account.
func (s *Server) auditActorRef(r *http.Request, v string) (ref string, ok, known bool) {
	if actorRefRE.MatchString(v) {
		return v, true, true
	}
	if !usernameRE.MatchString(v) {
		return "", false, false
	}
	ref, err := s.deps.Auth.UserRef(r.Context(), v)
	return ref, true, err == nil
}

// auditRows names the actors of entries, reading the names together.
func (s *Server) auditRows(ctx context.Context, entries []audit.Entry) ([]auditRow, error) {
	var ids authorIDs
	for _, e := range entries {
		ids.add(actorID(e.Actor, "user:"), actorID(e.Actor, "token:"))
	}
	names, err := s.authors(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		row := auditRow{Entry: e, ActorName: e.Actor, Short: e.Detail}
		if u, t := actorID(e.Actor, "user:"), actorID(e.Actor, "token:"); u != 0 || t != 0 {
			a := names.of(u, t)
			row.ActorName = a.Name
			if a.Token {
				row.ActorName = "API: " + a.Name
			}
		}
		if utf8.RuneCountInString(e.Detail) > auditDetailShort {
			row.Short, row.Cut = string([]rune(e.Detail)[:auditDetailShort-1])+"…", true
		}
		rows[i] = row
	}
	return rows, nil
}

// actorID returns the id of a reference with prefix, 0 for another.
func actorID(ref, prefix string) int64 {
	n, ok := strings.CutPrefix(ref, prefix)
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// auditEntryPage shows one entry whole, recorded as audit.read like the
// list. An auditor sees only their country's entries: another's is not
// found.
func (s *Server) auditEntryPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	a := st.actor()
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq < 1 {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	f := audit.Filter{Seq: seq, Limit: 1}
	if a.Role != auth.RoleNetworkAdmin {
		f.Country = string(a.Country)
	}
	err = s.deps.Audit.AppendAudit(r.Context(), audit.Record{Time: s.now(), Actor: a.Ref(), Role: string(a.Role),
		Country: f.Country, Action: audit.ActAuditRead, Target: "audit", Outcome: "ok", Addr: st.addr,
		Detail: "entry=" + strconv.FormatInt(seq, 10)})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	entries, _, err := s.deps.Audit.ListAudit(r.Context(), f)
	if err == nil && len(entries) == 0 {
		err = errs.E(errs.NotFound, "no such entry")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows, err := s.auditRows(r.Context(), entries)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit_entry", &page{TitleKey: "audit.entry_title", Data: rows[0]})
}
