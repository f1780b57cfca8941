package audit

// Action names: dotted, "area.verb". They are stored in every entry and
// covered by its hash, so a shipped name is never renamed; add new ones.
// The catalogue below gives each a one-line meaning for the auditor's page
// filter and the documentation; a test elsewhere can check with Known that
// every action it records is catalogued.
const (
	ActSignIn             = "auth.signin"
	ActSignInFailed       = "auth.signin_failed"
	ActSecondFactor       = "auth.second_factor"
	ActSecondFactorFailed = "auth.second_factor_failed"
	ActEnrol              = "auth.enrol"
	ActRecoveryUsed       = "auth.recovery_used"
	ActRecoveryRenewed    = "auth.recovery_renewed"
	ActSignOut            = "auth.signout"
	ActSignOutAll         = "auth.signout_all"
	ActPasswordChange     = "auth.password_change"
	ActSessionExpired     = "auth.session_expired"
	ActAccessDenied       = "auth.denied"
	ActUserCreate         = "user.create"
	ActUserUpdate         = "user.update"
	ActUserDisable        = "user.disable"
	ActUserEnable         = "user.enable"
	ActUserResetFactor    = "user.reset_second_factor"
	ActUserResetPassword  = "user.reset_password"
	ActUserLanguage       = "user.language"
	ActUserApprove        = "user.approve"
	ActPasswordSet        = "auth.password_set"
	ActAuditRead          = "audit.read"
	ActAuditVerify        = "audit.verify"
	ActAuditAnchor        = "audit.anchor"
	ActSystemMigrate      = "system.migrate"
	ActSystemStart        = "system.start"
	ActSystemStop         = "system.stop"
	ActKeysRotate         = "keys.rotate"
	ActKeysRetire         = "keys.retire"
	ActKeysRotateIndex    = "keys.rotate_index"
	ActChildRead          = "child.read"
	ActChildCreate        = "child.create"
	ActChildUpdate        = "child.update"
	ActChildSearch        = "child.search"
	ActCaseCreate         = "case.create"
	ActCaseRead           = "case.read"
	ActCaseUpdate         = "case.update"
	ActCaseCloseRequest   = "case.close_request"
	ActCaseCloseApprove   = "case.close_approve"
	ActDataImport         = "data.import"
	ActDataExport         = "data.export"
	ActRetentionPurge     = "retention.purge"
	ActTokenCreate        = "token.create"
	ActTokenRevoke        = "token.revoke"
	ActDisclosureRequest  = "disclosure.request"
	ActDisclosureDecide   = "disclosure.decide"
	ActDisclosureSend     = "disclosure.send"
	ActDisclosureOpen     = "disclosure.open"
)

// Actions of the public knowledge site (internal/site).
const (
	ActSiteCreate  = "site.create"
	ActSiteUpdate  = "site.update"
	ActSiteStatus  = "site.status"
	ActSiteRestore = "site.restore"
	ActSiteAttach  = "site.attach"
)

// Actions of the node's side of the network (issue 8).
const (
	ActCaseShare     = "case.share"
	ActHitDecide     = "hit.decide"
	ActNetworkSecret = "network.secret"
)

// Actions of follow-up requests and missing-child alerts (issue 11).
const (
	ActDisclosureApprove = "disclosure.approve"
	ActDisclosureReject  = "disclosure.reject"
	ActAlertRaise        = "alert.raise"
	ActAlertCancel       = "alert.cancel"
	ActAlertSighting     = "alert.sighting"
	ActAttachmentSend    = "attachment.send"
	ActAttachmentReceive = "attachment.receive"
	ActAttachmentOpen    = "attachment.open"
)

// Actions of the hub as a witness of the nodes' audit logs (issue 10 H1).
const (
	ActCheckpointRefused = "audit.checkpoint_refused"
)

// ActionInfo is one catalogued action.
type ActionInfo struct {
	Name    string
	Meaning string // one line, in English; the web layer translates by Name
}

// catalogue is ordered by area, then as the events happen.
var catalogue = []ActionInfo{
	{ActSignIn, "Password accepted; the second factor is asked next."},
	{ActSignInFailed, "Sign-in refused: unknown account, wrong password, disabled account or rate limit (Detail gives the reason code)."},
	{ActSecondFactor, "Second-factor code accepted; the session is signed in."},
	{ActSecondFactorFailed, "Second-factor code refused (wrong, reused or rate-limited)."},
	{ActEnrol, "Second factor enrolled in an authenticator app."},
	{ActRecoveryUsed, "A one-time recovery code was used instead of the second factor."},
	{ActRecoveryRenewed, "New recovery codes were issued; the old ones no longer work."},
	{ActSignOut, "Signed out of one session."},
	{ActSignOutAll, "Signed out of every session of the account."},
	{ActPasswordChange, "The user changed their own password."},
	{ActSessionExpired, "A session ended by idle or absolute timeout."},
	{ActAccessDenied, "A signed-in user was refused a page or action their role does not allow."},
	{ActUserCreate, "An administrator created an account."},
	{ActUserUpdate, "An administrator changed an account's role, country or display name (Detail lists the fields)."},
	{ActUserDisable, "An administrator disabled an account; its sessions ended."},
	{ActUserEnable, "An administrator enabled a disabled account."},
	{ActUserResetFactor, "An administrator reset an account's second factor; it must be enrolled again."},
	{ActUserResetPassword, "An administrator set a new password for an account."},
	{ActUserLanguage, "The user chose another interface language."},
	{ActUserApprove, "A second administrator approved an account of a supervisor, administrator or auditor; it may sign in."},
	{ActPasswordSet, "A new user set their password through their one-time enrolment link."},
	{ActAuditRead, "The audit log was read (the auditor's page or an export)."},
	{ActAuditVerify, "The audit chain was verified (Outcome says whether it was intact)."},
	{ActAuditAnchor, "The chain's last hash was recorded outside the database as an anchor for later verification."},
	{ActSystemMigrate, "Database migrations were applied (Detail lists them)."},
	{ActSystemStart, "The server started."},
	{ActSystemStop, "The server stopped after a shutdown signal."},
	{ActKeysRotate, "A new data key became primary; values are being re-sealed under it."},
	{ActKeysRetire, "An old data key was removed after every value was re-sealed."},
	{ActKeysRotateIndex, "The index key was replaced and every child's blind-index tokens and linkage encoding recomputed under it."},
	{ActChildRead, "A child's record was opened."},
	{ActChildCreate, "A child was registered."},
	{ActChildUpdate, "A child's record was changed (Detail lists the fields, not the values)."},
	{ActChildSearch, "The registry was searched (no search terms are recorded)."},
	{ActCaseCreate, "A case was opened."},
	{ActCaseRead, "A case or its timeline was opened."},
	{ActCaseUpdate, "A case was changed (Detail lists the fields)."},
	{ActCaseCloseRequest, "Closing a case was requested; a supervisor must approve."},
	{ActCaseCloseApprove, "A supervisor approved or refused closing a case (Outcome)."},
	{ActCaseShare, "A supervisor decided whether a case based on suspicion only may be shared with the network (Detail: share or unshare)."},
	{ActHitDecide, "An officer decided on a possible match abroad (Detail: confirm, reject or followup)."},
	{ActNetworkSecret, "The network's linkage secret was made, received or rotated (Detail says which; never the secret)."},
	{ActDataImport, "Records were imported from a national system (Detail gives the count)."},
	{ActDataExport, "The country's records were exported (Detail gives format and count)."},
	{ActRetentionPurge, "Closed cases past their retention period were erased (Detail gives the count)."},
	{ActTokenCreate, "An API token for a national system was created."},
	{ActTokenRevoke, "An API token was revoked."},
	{ActDisclosureRequest, "A follow-up request for details was sent to another country."},
	{ActDisclosureDecide, "A follow-up request was granted or refused (Outcome)."},
	{ActDisclosureSend, "Details were disclosed to another country, sealed to its node."},
	{ActDisclosureOpen, "Disclosed details from another country were opened."},
	{ActSiteCreate, "An item of the public site was created."},
	{ActSiteUpdate, "An item of the public site or one of its translations was changed (Detail names the language)."},
	{ActSiteStatus, "An item of the public site changed status: review, published, scheduled, archived (Detail)."},
	{ActSiteRestore, "An earlier revision of a site item was restored."},
	{ActSiteAttach, "A file was attached to or removed from a site item."},
	{ActDisclosureApprove, "A supervisor approved a follow-up request (suspicion only, or immediate danger) before it left."},
	{ActAlertRaise, "A missing-child alert was raised on the network (Detail: urgency, location protection)."},
	{ActAlertCancel, "A missing-child alert was cancelled: the child was found."},
	{ActAlertSighting, "A possible sighting of a child under a missing-child alert was notified (Detail: the other country, or the instruction)."},
	{ActAttachmentSend, "A file was attached to a follow-up thread and sealed to the other country's node, or refused at upload (Outcome, Detail: type, size, handling code)."},
	{ActAttachmentReceive, "A file attached by another country to a follow-up thread was received (Detail: type, size, handling code)."},
	{ActAttachmentOpen, "A file of a follow-up thread was downloaded, or withheld under H3 (denied)."},
	{ActCheckpointRefused, "The hub refused a node's audit checkpoint: a signature that does not verify, another country's log, or a log shorter than or different from one it witnessed (Detail: reason, entry numbers)."},
	{ActDisclosureReject, "A sealed follow-up message was refused: altered, signed by another country, sealed to another node, from a revoked node or replayed (Detail)."},
}

var meanings = func() map[string]string {
	m := make(map[string]string, len(catalogue))
	for _, a := range catalogue {
		m[a.Name] = a.Meaning
	}
	return m
}()

// Actions returns the names of every catalogued action, grouped by area.
func Actions() []string {
	out := make([]string, len(catalogue))
	for i, a := range catalogue {
		out[i] = a.Name
	}
	return out
}

// Catalogue returns every catalogued action with its meaning.
func Catalogue() []ActionInfo { return append([]ActionInfo(nil), catalogue...) }

// Meaning returns the one-line meaning of action and whether it is catalogued.
func Meaning(action string) (string, bool) {
	m, ok := meanings[action]
	return m, ok
}

// Known reports whether action is catalogued.
func Known(action string) bool {
	_, ok := meanings[action]
	return ok
}
