package dynamo

// Keys and access patterns of the single table. Every request path uses only
// GetItem, Query, conditional writes and transactions: never Scan.
//
// | entity / pattern              | PK                   | SK                  | GSI1PK / GSI1SK                        | calls |
// |-------------------------------|----------------------|---------------------|----------------------------------------|-------|
// | org                           | ORG#<org>            | ORG                 | ORGS / <created>#<org>                 | 1 Get |
// | list orgs (ops)               |                      |                     | Query GSI1 ORGS, newest first          | 1 Query per page |
// | TIN uniqueness                | TIN#<tin>            | TIN                 |                                        | in create txn |
// | user                          | USER#<user>          | USER                | EMAIL#<email> / USER#<user>            | 1 Get |
// | user + memberships (/me)      | USER#<user>          | begins USER / MEMBER#| Query PK = USER#<user>                | 1 Query |
// | membership                    | USER#<user>          | MEMBER#<org>        | ORG#<org>#MEMBERS / USER#<user>        | in txn |
// | username uniqueness, sign-in  | USERNAME#<username>  | USERNAME            |                                        | 1 Get |
// | session                       | SESSION#<sha256>     | SESSION             | USER#<user>#SESSIONS / <created>       | 1 Get |
// | invite                        | ORG#<org>            | INVITE#<invite>     | ORG#<org>#INVITES / <created>#<invite> | in txn |
// | emailed link (invite, reset…) | LINK#<sha256>        | LINK                |                                        | 1 Get |
// | failed sign-in count, lock    | USER#<user>          | USER                |                                        | 1 conditional Update (+1 Update to lock) |
// | logins by email (forgot)      |                      |                     | Query GSI1 EMAIL#<email>               | 1 Query |
// | user's sessions (list, end)   |                      |                     | Query GSI1 USER#<user>#SESSIONS        | 1 Query |
// | reset link code-word failures | LINK#<sha256>        | LINK                |                                        | 1 Update ADD |
// | audit entry (identity events) | ORG#<org>            | AUDIT#<time>#<id>   |                                        | in txn |
//
// Sign-in: Get USERNAME, Query USER partition, TransactWrite (Put SESSION +
// conditional Update USER: not locked, not deleted, same password, TOTP step
// unused) = 3 calls; a wrong password: Get, Query, conditional Update = 3
// (+1 Update and the session deletes on the attempt that locks).
// A signed-in request: Get SESSION, Query USER partition = 2 calls, +1 Update
// of last-seen at most once a minute, +1 Get ORG on org routes for a login
// without MFA (RequireMFA).

const (
	attrPK     = "PK"
	attrSK     = "SK"
	attrGSI1PK = "GSI1PK"
	attrGSI1SK = "GSI1SK"

	skOrg      = "ORG"
	skTIN      = "TIN"
	skUser     = "USER"
	skUsername = "USERNAME"
	skSession  = "SESSION"
	skLink     = "LINK"

	gsi1Orgs = "ORGS"
)

func orgPK(orgID string) string             { return "ORG#" + orgID }
func tinPK(tin string) string               { return "TIN#" + tin }
func userPK(userID string) string           { return "USER#" + userID }
func usernamePK(username string) string     { return "USERNAME#" + username }
func sessionPK(id string) string            { return "SESSION#" + id }
func linkPK(tokenHash string) string        { return "LINK#" + tokenHash }
func memberSK(orgID string) string          { return "MEMBER#" + orgID }
func inviteSK(inviteID string) string       { return "INVITE#" + inviteID }
func emailGSI1(email string) string         { return "EMAIL#" + email }
func orgMembersGSI1(orgID string) string    { return "ORG#" + orgID + "#MEMBERS" }
func orgInvitesGSI1(orgID string) string    { return "ORG#" + orgID + "#INVITES" }
func userSessionsGSI1(userID string) string { return "USER#" + userID + "#SESSIONS" }
