package site

import (
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Who may do what on the site. Every rule takes the item as stored (its
// country and kind), never what a form claims, so that a coordinator's
// scope is checked on the server for every record.

// coordinatorKinds are the kinds a national coordinator writes, for their
// own country only: its pages, its contact points and its national news.
var coordinatorKinds = map[Kind]bool{KindPage: true, KindContact: true, KindNews: true}

// CanEdit reports whether a may create or change it (its texts, fields,
// links and attachments).
func CanEdit(a auth.Actor, it *Item) bool {
	switch {
	case a.System || a.Can(auth.PermSiteEditAll):
		return true
	case a.Can(auth.PermSiteEdit):
		return it.Country != "" && a.Country != "" && it.Country == a.Country && coordinatorKinds[it.Kind]
	}
	return false
}

// CanReview reports whether a may read it before it is published.
func CanReview(a auth.Actor, it *Item) bool {
	return a.Can(auth.PermSiteReview) || CanEdit(a, it)
}

// CanTransition reports whether a may move it to status to. Editors of an
// item with the publish permission may move it anywhere; a reviewer may
// publish what is in review or return it to draft; anyone who may edit it
// may send it to review.
func CanTransition(a auth.Actor, it *Item, to Status) bool {
	if CanEdit(a, it) {
		if to == StatusDraft || to == StatusReview {
			return true
		}
		return a.Can(auth.PermSitePublish)
	}
	if a.Can(auth.PermSiteReview) && it.Status == StatusReview {
		return to == StatusPublished || to == StatusDraft
	}
	return false
}

// CanUseEditor reports whether a may open the editors' pages at all.
func CanUseEditor(a auth.Actor) bool {
	return a.System || a.Can(auth.PermSiteEdit) || a.Can(auth.PermSiteReview)
}

var errForbidden = errs.E(errs.Forbidden, "You may not change this item.")
