package api

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// The services write the audit record of each act themselves, naming the
// actor by auth.Actor.Ref(): for a token's request "token:3", since the
// API's actor is the token (reqState.actor). The role column they fill
// from the actor's role, which a token does not have. tokenAudit wraps
// the API's own cases.Store so that every record the token writes while
// serving its request carries the token's scopes as its role
// ("api:read,write"): the request's state, which the authentication
// middleware fills, travels in the context the services pass to
// AppendAudit. Records of any other actor pass unchanged.
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

// asToken sets the role column of r, when r is written by the token of
// the request in ctx, to the token's scopes.
func asToken(ctx context.Context, r audit.Record) audit.Record {
	if t := stateOf(ctx).token; t != nil && r.Actor == t.Ref() {
		r.Role = t.AuditRole()
	}
	return r
}
