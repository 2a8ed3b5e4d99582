package dynamo

import "github.com/gatehouse-dev/gatehouse/internal/ident"

// Keys and access patterns of the single table. Every request path uses only
// GetItem, Query, conditional writes and transactions: never Scan.
//
// | entity / pattern              | PK                   | SK                  | GSI1PK / GSI1SK                        | calls |
// |-------------------------------|----------------------|---------------------|----------------------------------------|-------|
// | org                           | ORG#<org>            | ORG                 | ORGS / <created>#<org>                 | 1 Get |
// | list orgs (ops)               |                      |                     | Query GSI1 ORGS, newest first          | 1 Query per page |
// | TIN uniqueness                | TIN#<tin>            | TIN                 |                                        | in create txn |
// | user                          | USER#<user>          | USER                | EMAIL#<email> / USER#<user>            | 1 Get |
// | user + memberships (/me)      | USER#<user>          | begins USER / MEMBER#| Query PK = USER#<user> (PASSKEY# items skipped) | 1 Query |
// | membership                    | USER#<user>          | MEMBER#<org>        | ORG#<org>#MEMBERS / ROLE#<role>#<last>#<first>#<user> | in txn |
// |   … also on GSI2              |                      |                     | GSI2 ORG#<org>#LN / <last>#<first>#<user> | |
// | member by first name (copy)   | ORG#<org>            | MEMBERFN#<user>     | GSI2 ORG#<org>#FN / <first>#<last>#<user> | in txn |
// | employee                      | ORG#<org>            | EMPLOYEE#<employee> |                                        | 1 Get |
// | list employees                | Query PK = ORG#<org>, SK begins EMPLOYEE# |  |                               | 1 Query per page |
// | employee search (Add User)    | Query PK = ORG#<org>, SK begins EMPLOYEE#; last name, active, no account in memory | | | ≤ 20 Queries of 200, stops at 50 found |
// | invites just sent (result lines) | ORG#<org>         | INVITE#<invite>     |                                        | 1 Get per address (≤ 50) |
// | audit entry                   | ORG#<org>            | AUDIT#<time>#<id>   |                                        | in the change's txn |
// | audit log, newest first       | Query PK = ORG#<org>, SK begins AUDIT#, backwards |  |                     | 1 Query per page |
// | username uniqueness, sign-in  | USERNAME#<username>  | USERNAME            |                                        | 1 Get |
// | session                       | SESSION#<sha256>     | SESSION             | USER#<user>#SESSIONS / <created>       | 1 Get |
// | invite                        | ORG#<org>            | INVITE#<invite>     | ORG#<org>#ENTRIES / <created>#<invite> | in txn |
// |   (by status, GSI2)           |                      |                     | ORG#<org>#ENTRIES#<status> / <created>#<invite> | |
// | list invites                  |                      |                     | GSI2 by status: 1 Query per page; no status: Query GSI1 ENTRIES with Type = Invite filter, until limit invites or 5 Queries of 200 | 1-5 Queries per page |
// | login by email (invite mail)  |                      |                     | Query GSI1 EMAIL#<email>, Limit 1      | 1 Query |
// | registration                  | ORG#<org>            | REG#<reg>           | ORG#<org>#ENTRIES / <submitted>#<reg>  | 1 Get |
// |   (by status, GSI2)           |                      |                     | ORG#<org>#ENTRIES#<status> / <submitted>#<reg> | |
// | registration id -> org (ops)  | REG#<reg>            | REG                 |                                        | 1 Get |
// | console: all / by status      |                      |                     | Query GSI1 ENTRIES or GSI2 ENTRIES#<status>, newest first (invites + registrations merged by time) | 1 Query per page |
// | escalated to ops (pending)    |                      |                     | GSI3 ESCALATED / <submitted>#<reg> (sparse: set while escalated and pending, removed by the decision claim or the timeout) | 1 Query per page |
// | reserved username (pending)   | USERNAME#<username>  | USERNAME            | Owner = registration:<reg>             | in create txn |
// | claim reference (hash only)   | ORG#<org>            | CLAIMREF#<sha256>#<npi or ->| Get: NPI level its NPI, TIN level "-" (an office-wide claim) | 1 Get |
// | TIN -> org                    | TIN#<tin>            | TIN                 |                                        | 1 Get |
// | org members (reviewers)       |                      |                     | Query GSI1 ORG#<org>#MEMBERS           | 1 Query |
// | emailed link (invite, reset…) | LINK#<sha256>        | LINK                |                                        | 1 Get |
// | email-change link (new address)| LINK#<sha256>       | LINK (Purpose email, Email) |                                | 1 Get; deleted in the SaveMember txn that sets the email |
// | failed sign-in count, lock    | USER#<user>          | USER                |                                        | 1 conditional Update (+1 Update to lock) |
// | logins by email (forgot)      |                      |                     | Query GSI1 EMAIL#<email>               | 1 Query |
// | user's sessions (list, end)   |                      |                     | Query GSI1 USER#<user>#SESSIONS        | 1 Query |
// | reset link code-word failures | LINK#<sha256>        | LINK                |                                        | 1 Update ADD |
// | audit entry (identity events) | ORG#<org>            | AUDIT#<time>#<id>   |                                        | in txn |
// | passkey (WebAuthn credential) | USER#<user>          | PASSKEY#<credential id b64url> |                             | in txn with USER (PasskeyCount, MFAEnabled) |
// | user's passkeys               | Query PK = USER#<user>, SK begins PASSKEY# |  |                              | 1 Query |
// | passkey sign count            | USER#<user>          | PASSKEY#<id>        |                                        | 1 conditional Update (count only goes up) |
// | passkey ceremony challenge    | CHALLENGE#<sha256 of challenge id> | CHALLENGE | TTL 5 min                     | 1 Put; taken by 1 conditional Delete (ALL_OLD) |
// | failed sign-ins of a username no login uses | SIGNINFAIL#<sha256 of username> | SIGNINFAIL | TTL: end of window or lock | 1 Get; 1 conditional Update (+1 to lock) |
// | roster employee (pms)         | ORG#<org>            | EMPLOYEE#pms-<sha256(org, employee_no)[:32]> |                | 1 Get + 1 TransactWrite (conditional Put) |
// | outbox: orgs of a login       | Query PK = USER#<user>, SK begins MEMBER# (OrgID) |  |                      | 1 Query per password-reset or lockout stream record |
// | code (F25)                    | ORG#<org>#CODES#<kind> | CODE#<code>       |                                        | 1 conditional Put / Delete in txn with audit |
// | code list page, search        | Query PK = ORG#<org>#CODES#<kind> (code order); q: FilterExpression contains(Search), ≤ 5 Queries of 200 | | | 1-5 Queries per page |
// | copy codes (per list)         | Query source partition (1 MB pages); Query target partition, ProjectionExpression SK; TransactWrite of ≤ 100 Puts each attribute_not_exists(PK), 4 at once | | | 10,000 codes: ~3 + ~2 Queries + 100 TransactWrites |
// | support ticket (F21)          | ORG#<org>            | TICKET#<ticket>     | GSI3 PRIVILEGE_TICKETS#<status> / <created>#<ticket> (privilege changes only) | 1 Get |
// | ticket id -> office (ops)     | TICKET#<ticket>      | TICKET              |                                        | 1 Get; written in the filing txn |
// | office's tickets, newest first| Query PK = ORG#<org>, SK begins TICKET#, backwards (ids sort by time) | |             | 1 Query per page |
// | privilege tickets by status   |                      |                     | Query GSI3 PRIVILEGE_TICKETS#<status>, oldest first | 1 Query per page |
// | ticket decision (ops)         | ticket Put conditioned on Rev + memberships (Rev) + ConditionChecks of the kept site admin + audit | | | 1 TransactWrite |
// | site administrators (F20, F23)|                      |                     | Query GSI1 ORG#<org>#MEMBERS begins ROLE#site-admin# (all, with lock/delete copies) | 1 Query |
// | emergency request (public)    | EMERGENCY#<id>       | EMERGENCY           | GSI3 EMERGENCIES / <received>#<id>; TTL 180 days | 1 Put |
// | emergency requests (ops)      |                      |                     | Query GSI3 EMERGENCIES, newest first   | 1 Query per page |
// | rate limit window (throttle: public doors, emergency form) | RATE#<limit>#<sha256 of subject>#<window start> | RATE | TTL 2 windows | 1 conditional Update per check (ADD Hits if Hits < max) |
//
// Every Put and Update carries Chg = {A: actor, R: request id, T: time} (change.go), read by the
// outbox from the stream's new image; the outbox's mapping of item changes to events is in outbox.go.
//
// Names in sort keys (<last>, <first>) are lower-cased so prefixes match
// regardless of case. The membership item holds the membership's own lock
// and delete in its office (Locked, LockoutTime, Deleted) and a copy of the
// user's listed fields (username, names, email, the login's lockout as
// LoginLockoutTime), and the MEMBERFN item is a full copy of the membership
// keyed by first name; both are rewritten in the transaction that changes
// the user (SaveMember). Writes of the user item's own fields and of a
// membership are conditional on its Rev as read (optimistic concurrency);
// lockouts, password changes, resets, factor changes and revocations move
// the user's Rev too, so a stale administrator write fails instead of
// undoing them.
//
// User list (GET /v1/orgs/{org}/users, and its export) query plan, by filter:
//   - username            → Get USERNAME#<username>, Get USER#<user>/MEMBER#<org>: 2 Gets, other filters in memory.
//   - role (± last_name)  → Query GSI1 ORG#<org>#MEMBERS, GSI1SK begins ROLE#<role>#<last prefix>.
//   - last_name           → Query GSI2 ORG#<org>#LN, GSI2SK begins <last prefix>.
//   - first_name only     → Query GSI2 ORG#<org>#FN, GSI2SK begins <first prefix>.
//   - none of those       → Query GSI2 ORG#<org>#LN (everyone, by last name).
//   Remaining filters (first_name, scope, locked, deleted) are a FilterExpression.
//   Without one, a page is 1 Query of `limit` items. With one, a page reads at
//   most 5 Queries of 200 items (1,000 evaluated) and may come back short
//   with a next_cursor: every request stays bounded whatever the org's size.
//   The cursor is the last returned item's keys, pinned to the partition and
//   to the key prefix of the query (a forged cursor cannot widen it).
// Active site administrators (last-site-administrator rule) → Query GSI1
//   ORG#<org>#MEMBERS begins ROLE#site-admin#, then a ConditionCheck on the
//   kept one's membership inside the change's transaction.
//
// Sign-in: 2 rate-limit Updates (address, username), Get USERNAME, Query
// USER partition, TransactWrite (Put SESSION + conditional Update USER: not
// locked, not deleted, same password, TOTP step unused) = 5 calls; a wrong
// password: 2 Updates, Get, Query, conditional Update = 5 (+1 Update and the
// session deletes on the attempt that locks); a locked username: 2 Updates,
// Get, Query = 4 (no password check); an unknown username: 2 Updates, Get
// USERNAME, Get SIGNINFAIL, conditional Update SIGNINFAIL = 5.
// Passkey sign-in: begin = the password check (Get USERNAME, Query USER) +
// Query PASSKEY# + Put CHALLENGE = 4; finish = conditional Delete CHALLENGE,
// Query USER, Query PASSKEY#, conditional Update of the sign count,
// TransactWrite (Put SESSION + Update USER) = 5.
// A signed-in request: Get SESSION, Query USER partition = 2 calls, +1 Update
// of last-seen at most once a minute, +1 Get ORG on org routes for a login
// without MFA (RequireMFA).
// Registration: Get USERNAME, Get TIN, Get ORG, TransactWrite(claim, registration, pointer, link) = 4 calls.
// Add Username (seed 000, AddLogin): guard (2) + Get ORG per active org (password policy) +
// one TransactWrite (Put USERNAME, Put USER, the membership items, conditional Update of the
// old USER's LinkedTo, the audit entries); no new access pattern.
// A decision: guard (2) + Get REG + conditional UpdateItem = 4 calls; the workflow then
// provisions (Get REG + TransactWrite of 4 items) and notifies (Get REG, Delete claim when
// declined, UpdateItem history).

const (
	attrPK     = "PK"
	attrSK     = "SK"
	attrGSI1PK = "GSI1PK"
	attrGSI1SK = "GSI1SK"

	skOrg          = "ORG"
	skTIN          = "TIN"
	skUser         = "USER"
	skUsername     = "USERNAME"
	skSession      = "SESSION"
	skLink         = "LINK"
	skRegistration = "REG"
	skChallenge    = "CHALLENGE"
	skSignInFail   = "SIGNINFAIL"

	gsi1Orgs = "ORGS"

	attrGSI2PK = "GSI2PK"
	attrGSI2SK = "GSI2SK"

	attrGSI3PK    = "GSI3PK"
	escalatedGSI3 = "ESCALATED"
)

func orgPK(orgID ident.OrgID) string          { return "ORG#" + string(orgID) }
func tinPK(tin string) string                 { return "TIN#" + tin }
func userPK(userID string) string             { return "USER#" + userID }
func usernamePK(username string) string       { return "USERNAME#" + username }
func sessionPK(id string) string              { return "SESSION#" + id }
func linkPK(tokenHash string) string          { return "LINK#" + tokenHash }
func memberSK(orgID ident.OrgID) string       { return "MEMBER#" + string(orgID) }
func inviteSK(inviteID string) string         { return "INVITE#" + inviteID }
func emailGSI1(email string) string           { return "EMAIL#" + email }
func orgMembersGSI1(orgID ident.OrgID) string { return "ORG#" + string(orgID) + "#MEMBERS" }
func orgEntriesGSI1(orgID ident.OrgID) string { return "ORG#" + string(orgID) + "#ENTRIES" }
func orgEntriesByStatusGSI2(orgID ident.OrgID, status string) string {
	return "ORG#" + string(orgID) + "#ENTRIES#" + status
}
func registrationPK(id string) string { return "REG#" + id }
func registrationSK(id string) string { return "REG#" + id }
func claimRefSK(hash, npi string) string {
	if npi == "" {
		npi = "-"
	}
	return "CLAIMREF#" + hash + "#" + npi
}
func userSessionsGSI1(userID string) string { return "USER#" + userID + "#SESSIONS" }

func memberByFirstSK(userID string) string    { return "MEMBERFN#" + userID }
func orgByLastGSI2(orgID ident.OrgID) string  { return "ORG#" + string(orgID) + "#LN" }
func orgByFirstGSI2(orgID ident.OrgID) string { return "ORG#" + string(orgID) + "#FN" }
func memberRoleGSI1(role string) string       { return "ROLE#" + role + "#" }
func employeeSK(id string) string             { return "EMPLOYEE#" + id }
func auditSK(at, id string) string            { return "AUDIT#" + at + "#" + id }
func passkeySK(id string) string              { return skPasskeyPrefix + id }
func challengePK(hash string) string          { return "CHALLENGE#" + hash }

func ticketSK(id string) string                 { return skTicketPrefix + id }
func ticketPK(id string) string                 { return "TICKET#" + id }
func privilegeTicketsGSI3(status string) string { return "PRIVILEGE_TICKETS#" + status }
func emergencyPK(id string) string              { return "EMERGENCY#" + id }

// emergenciesGSI3 holds every emergency request (GSI3SK <received>#<id>).
const emergenciesGSI3 = "EMERGENCIES"

func ratePK(key, window string) string { return "RATE#" + key + "#" + window }

func codeListPK(orgID ident.OrgID, kind string) string {
	return "ORG#" + string(orgID) + "#CODES#" + kind
}
func codeSK(code string) string { return skCodePrefix + code }

const (
	skTicket         = "TICKET"
	skTicketPrefix   = "TICKET#"
	skEmergency      = "EMERGENCY"
	skRate           = "RATE"
	skCodePrefix     = "CODE#"
	skEmployeePrefix = "EMPLOYEE#"
	skAuditPrefix    = "AUDIT#"
	skPasskeyPrefix  = "PASSKEY#"
)
