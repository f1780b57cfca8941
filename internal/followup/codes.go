// Package followup is the second step after a hit (issue 11): a lawful,
// sealed exchange of details between two national nodes, and the codes
// that govern it. A hit says only that two countries probably hold the
// same child; before anything more crosses a border an NCP states why
// (purpose, legal basis), a person on the other side decides, and what is
// disclosed travels sealed to the receiving node (pki.SealSigned) through
// the hub, which relays ciphertext only.
//
// The names follow what SIENA and Prüm users know: a request for
// information after a hit (Prüm's second step), handling codes H0–H3 and
// the 4×4 evaluation code (source reliability A/B/C/X, information
// accuracy 1–4) of Europol's SIENA. docs/followup.md is the user's view.
package followup

import (
	"slices"
	"time"
)

// Urgency of a request; each has the deadline the receiving side sees
// counting down.
type Urgency string

// Urgencies.
const (
	Routine Urgency = "routine"
	Urgent  Urgency = "urgent"
	Danger  Urgency = "danger" // immediate danger to a child: needs a supervisor's approval before it leaves
)

// Deadlines of each urgency, from the moment the request leaves.
var Deadlines = map[Urgency]time.Duration{
	Routine: 14 * 24 * time.Hour,
	Urgent:  72 * time.Hour,
	Danger:  12 * time.Hour,
}

// Handling codes, as in SIENA. What the receiving node enforces:
//   - H0: no restriction beyond the purpose stated.
//   - H1: not to be used as evidence in judicial proceedings without the
//     originator's permission (shown on every disclosure; nothing blocks).
//   - H2: no onward sharing: the node offers no way to pass it on
//     (no forwarding, no export) and says so on the page.
//   - H3: other restrictions: shown only to supervisors (roles below
//     supervisor see that details exist, not the details), never exported;
//     an officer's attempt to read is refused and audited.
var Handlings = []string{"H0", "H1", "H2", "H3"}

// Source reliability (A–X) and information accuracy (1–4) of SIENA's
// 4×4 evaluation; an evaluation code is one of each, "B2".
var (
	Reliabilities = []string{"A", "B", "C", "X"}
	Accuracies    = []string{"1", "2", "3", "4"}
)

// ValidEvaluation reports whether s is a 4×4 evaluation code.
func ValidEvaluation(s string) bool {
	return len(s) == 2 && slices.Contains(Reliabilities, s[:1]) && slices.Contains(Accuracies, s[1:])
}

// LegalBasis is one entry of the maintained legal-basis list. A country
// extends the list by adding an entry here (reviewed like any change);
// anything else goes under "national" with the provision in free text.
type LegalBasis struct {
	Code  string
	Title string
}

// LegalBases is the maintained list.
var LegalBases = []LegalBasis{
	{"prum-2024-982", "Regulation (EU) 2024/982 (Prüm II): follow-up to a match"},
	{"dir-2023-977", "Directive (EU) 2023/977: exchange of information between law enforcement authorities"},
	{"sis-2018-1862", "Regulation (EU) 2018/1862 (SIS, police): alerts on missing persons, Art. 32"},
	{"brussels-2019-1111", "Regulation (EU) 2019/1111 (Brussels IIb): cooperation between Central Authorities, Art. 79–80"},
	{"hague-1996", "Hague Convention of 19 October 1996 on the protection of children, Art. 30–34"},
	{"coe-cets-197", "Council of Europe Convention on Action against Trafficking in Human Beings, Art. 10 and 33"},
	{"national", "National law (state the provision in the free text)"},
}

// ValidLegalBasis reports whether code is on the list.
func ValidLegalBasis(code string) bool {
	return slices.ContainsFunc(LegalBases, func(l LegalBasis) bool { return l.Code == code })
}

// Fields that can be asked for and disclosed, by code.
var Fields = []string{"given_names", "family_name", "birth_date", "birth_place", "citizenships", "languages"}

// Decision outcomes.
const (
	Grant   = "grant"   // every field asked disclosed
	Partial = "partial" // some fields disclosed
	Refuse  = "refuse"  // nothing disclosed, with a coded reason
	More    = "more"    // the receiving side asks for more information first
)

// RefusalReasons are the coded reasons of a refusal.
var RefusalReasons = []string{
	"not_same_child",  // the records do not concern the same child
	"no_legal_basis",  // the legal basis stated does not allow it
	"child_at_risk",   // disclosure would endanger the child
	"investigation",   // it would prejudice an ongoing investigation
	"national_law",    // national law forbids it
	"no_longer_held",  // the record is no longer held
	"purpose_unclear", // the purpose does not justify the details asked
}

// States of a request. A request sent and not answered past its deadline
// is overdue (computed, not stored: both sides see it the moment it is).
const (
	StateApproval = "approval" // waits for a supervisor of the sending country
	StateSent     = "sent"     // left the requesting node; no decision yet
	StatePending  = "pending"  // received, waiting for a decision (receiving node)
	StateGranted  = "granted"
	StatePartial  = "partial"
	StateRefused  = "refused"
	StateMore     = "more" // more information asked
)

// stateOf is the state a decision outcome leads to.
var stateOf = map[string]string{Grant: StateGranted, Partial: StatePartial, Refuse: StateRefused, More: StateMore}
