// Package web is the server-rendered web interface of a Childcentre node:
// sign-in with a mandatory second factor, the user's account, user
// administration, the case registry (children, cases, their timelines and
// closing workflow) and the auditor's view of the audit log, plus the
// operational endpoints (/healthz, /readyz, /metrics).
//
// # Shape
//
// Plain net/http on the standard ServeMux with method patterns
// ("GET /admin/users/{id}"), html/template pages and static files embedded
// with embed.FS and parsed once in New, log/slog for logs. Pages need no
// JavaScript and the site ships none: every action is a form; the
// Content-Security-Policy forbids inline script and style outright.
//
// # Routing
//
// routeTable in routes.go is the one list of routes. Each Route names the
// Permission it needs ("" = public) and, for the sign-in steps, the session
// Stage; Routes() exposes the table, and authz_test.go checks every route
// against every role from a table of its own, so that a new route without
// an entry, or a role that gains access, fails the build. Paths nothing
// matches get the 404 page through the same middleware (so it is logged,
// counted and rendered in the visitor's language) but grant nothing.
//
// # Middleware, outermost first
//
//	recoverer          last-resort panic recovery (plain 500)
//	securityHeaders    CSP, nosniff, Referrer-Policy, X-Frame-Options, COOP,
//	                   CORP, Permissions-Policy, Cache-Control: no-store,
//	                   HSTS when Config.TLS
//	metrics.HTTP.Wrap  requests by method, route pattern and status; latency
//	ServeMux           then, per route:
//	observe            request state: the client address, read from
//	                   X-Forwarded-For only when the peer is Config.TrustedProxy
//	                   and kept only as a keyed pseudonym; handler panics give
//	                   the 500 page; one JSON log line per request with method,
//	                   route pattern, status, duration, address pseudonym and
//	                   "user:N" (never a path, query string, address or name)
//	session            the __Host-cc_session cookie resolved by
//	                   auth.Service.Authenticate (idle and absolute timeouts,
//	                   disabled accounts); the language (user setting, else
//	                   Accept-Language by q-value, else Config.DefaultLanguage).
//	                   Probes and static files skip it.
//	csrf               every POST/PUT/PATCH/DELETE: http.CrossOriginProtection
//	                   (Sec-Fetch-Site, else Origin against Host), a 512 KiB body
//	                   limit, then the synchroniser token
//	authorise          anonymous: 303 to /signin; a session at the wrong stage:
//	                   303 to its next step; a role without the permission: the
//	                   403 page
//	handler
//
// # Sessions
//
// The session cookie holds a random 256-bit token made by the auth service
// (the database keeps its SHA-256); it is Secure, HttpOnly, SameSite=Strict,
// Path=/, without Domain or expiry (the __Host- prefix makes browsers
// enforce the first and the last two), and it is replaced by a new token at
// each step of sign-in. Secure stays on even for the loopback demo:
// browsers accept Secure cookies from http://127.0.0.1 and http://localhost.
// An expired session's cookie is cleared and the user sent to /signin with
// a notice. Sign-out (also "cancel sign-in" part-way) ends the session on
// the server.
//
// # CSRF
//
// Synchroniser tokens without server state: a form's hidden field "csrf"
// holds HMAC-SHA256(K, "session" ‖ SHA-256(session token)), or before
// sign-in HMAC-SHA256(K, "pre" ‖ v) where v is a random value in the
// __Host-cc_pre cookie, so that the sign-in form itself is protected
// against login CSRF. K is derived from the node's keyring
// (crypto.PurposeCSRF). The token is compared in constant time with
// hmac.Equal and read from the body only, never the query string. A
// missing or wrong token, or a cross-origin request, gets the 403 page and
// a log line (route, reason, address pseudonym) and changes nothing. The
// origin check compares Origin with Host, so a reverse proxy in front of
// the node must pass the Host header on unchanged.
//
// # Internationalisation
//
// Every user-visible string comes from the catalogues of package i18n
// (English, German, Polish, Swedish), embedded JSON with plural forms.
// Templates are parsed once per language with a "t" function bound to that
// language, so they write {{t "signin.title"}}; handlers translate with
// the request's translator. Error messages of services are English and are
// not shown: handlers map error codes and fields onto catalogue keys. The
// i18n tests fail when a key that a template or handler uses is missing
// from any catalogue, when a catalogue has a key English lacks, and when
// English has a key nobody uses.
//
// # Case registry
//
// handlers_cases*.go serve the pages of cases.Service (Deps.Cases; while
// it is nil the routes answer 503): the search (/children: one box for
// names in any spelling or script, filters on the children's cases),
// registration (/children/new), a child's page, edit form and history,
// a case's page with its timeline, events, missing and found, and the
// closing workflow, the case edit form and a print view (/cases/{id}/print,
// the layout without navigation or forms, and a print stylesheet). The
// service checks permission and country on every call and audits every
// read (child.read, case.read) and change; the handlers translate forms
// into its inputs and its field errors into catalogue messages linked to
// the inputs they concern, keeping what was typed. Histories and timelines
// name each entry's author by username, an API token as "API: <name>",
// the command line as "system" (authors.go), reading a page's names in
// one lookup of users and one of tokens.
//
// Registration runs the duplicate check first (cases.Service.Duplicates).
// When it finds candidates, the page shows them with their scores and the
// form's data in hidden fields, with a token: HMAC-SHA256 under the CSRF
// key of the session, the data and the candidates shown. Attaching to a
// candidate or confirming a new child is done only with a valid token,
// for exactly that data and a candidate that was shown; otherwise the
// check runs again. Edits carry the version they were read at: a conflict
// (cases.ErrStale) keeps the input, says so and links the current record.
//
// # Times
//
// Pages show and read the node's zone, Config.Location (UTC when nil):
// the template functions time, minute and day are bound to it when the
// templates are parsed, and print it with its abbreviation ("2026-01-15
// 14:30 CET"). The event form reads its date and time as local time and
// refuses one the clocks skipped; a time that occurs twice is the first.
// The date filters of the search and the audit log run from local
// midnight to the next (zone.go). The database, the API and the exports
// keep UTC; calendar dates (birth, age assessments) are never shifted.
//
// # Errors
//
// Services return errs errors; errs.HTTPStatus (the one table) gives the
// status, and the error page shows that status's translated text, never
// the error's. Internal and unavailable errors are logged with their
// cause.
//
// # Metrics
//
// New registers childcentre_http_* (metrics.NewHTTP),
// childcentre_signin_failures_total{reason} and
// childcentre_csrf_rejections_total on Deps.Metrics, so a registry serves
// one Server and the handler must not be wrapped by metrics.HTTP again.
// /metrics is served to PermSystemMonitor (country and network
// administrators) and, without a session, to a scraper on the node itself:
// a loopback peer that is not the trusted proxy and sends no
// X-Forwarded-For or Forwarded header.
package web
