package web

import (
	"context"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/cases"
)

// TokenNames names API tokens by id, for the history and timeline entries
// a national system's token wrote; *tokens.Service implements it.
type TokenNames interface {
	TokenNames(ctx context.Context, ids []int64) (map[int64]string, error)
}

// authorIDs are the authors of the entries of one page, collected so that
// their names are read together: one query for the users, one for the
// tokens, however many rows the page has.
type authorIDs struct{ users, tokens []int64 }

// add notes the author of one entry: a token, a user, or neither (the
// command line, which needs no name).
func (ids *authorIDs) add(user, token int64) {
	switch {
	case token != 0:
		ids.tokens = append(ids.tokens, token)
	case user != 0:
		ids.users = append(ids.users, user)
	}
}

// addChanges notes the authors of history entries.
func (ids *authorIDs) addChanges(changes []*cases.Change) {
	for _, c := range changes {
		ids.add(c.By, c.ByToken)
	}
}

// authors are the names of the authors of one page's entries.
type authors struct{ users, tokens map[int64]string }

// authors reads the names of ids. Users see only their own country's
// records, so the authors named are people of their country, network
// administrators or their country's tokens: naming them by username (never
// by display name) is what accountability needs. Without a TokenNames
// dependency, tokens are named by id.
func (s *Server) authors(ctx context.Context, ids authorIDs) (authors, error) {
	var out authors
	var err error
	if len(ids.users) > 0 {
		if out.users, err = s.deps.Auth.Usernames(ctx, ids.users); err != nil {
			return authors{}, err
		}
	}
	if len(ids.tokens) > 0 && s.deps.TokenNames != nil {
		if out.tokens, err = s.deps.TokenNames.TokenNames(ctx, ids.tokens); err != nil {
			return authors{}, err
		}
	}
	return out, nil
}

// author is who wrote an entry, for the template "by": a user by username,
// a token as "API: <name>", the command line as "system". An id without a
// name shows as "#12": accounts and tokens are never deleted, but a page
// must not fail, nor show an empty cell, if one were.
type author struct {
	System bool
	Token  bool
	Name   string
}

// of returns the author of an entry written by user or token.
func (a authors) of(user, token int64) author {
	switch {
	case token != 0:
		return author{Token: true, Name: nameOr(a.tokens, token)}
	case user != 0:
		return author{Name: nameOr(a.users, user)}
	default:
		return author{System: true}
	}
}

func nameOr(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// authored is the data of a page that names authors.
type authored interface{ authorNames() authors }

// authorOf is the template function "by": the author of an entry of the
// page p, named from the names its data read.
func authorOf(p *page, user, token int64) author {
	var names authors
	if d, ok := p.Data.(authored); ok {
		names = d.authorNames()
	}
	return names.of(user, token)
}
