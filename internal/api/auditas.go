package api

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// The services write the audit record of each act themselves, naming the
// actor by auth.Actor.Ref(), which knows users and the system but not API
// tokens. tokenAudit wraps the API's own cases.Store so that every record
// appended while serving a token's request names the token ("token:3")
// and its scopes ("api:read,write") instead: the request's state, which
// the authentication middleware fills, travels in the context the
// services pass to AppendAudit. Records appended outside a token's request
// pass unchanged.
type tokenAudit struct{ cases.Store }

// Update implements cases.Store.
func (s tokenAudit) Update(ctx context.Context, fn func(cases.Tx) error) error {
	return s.Store.Update(ctx, func(tx cases.Tx) error { return fn(tokenAuditTx{tx}) })
}

// View implements cases.Store.
func (s tokenAudit) View(ctx context.Context, fn func(cases.Tx) error) error {
	return s.Store.View(ctx, func(tx cases.Tx) error { return fn(tokenAuditTx{tx}) })
}

type tokenAuditTx struct{ cases.Tx }

// AppendAudit implements audit.Appender.
func (tx tokenAuditTx) AppendAudit(ctx context.Context, r audit.Record) error {
	return tx.Tx.AppendAudit(ctx, asToken(ctx, r))
}

// asToken rewrites the actor of r to the token of the request in ctx, if any.
func asToken(ctx context.Context, r audit.Record) audit.Record {
	if t := stateOf(ctx).token; t != nil {
		r.Actor, r.Role = t.Ref(), t.AuditRole()
	}
	return r
}
