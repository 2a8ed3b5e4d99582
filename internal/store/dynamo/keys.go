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
// | invite                        | ORG#<org>            | INVITE#<invite>     | ORG#<org>#ENTRIES / <created>#<invite> | in txn |
// |   (by status, GSI2)           |                      |                     | ORG#<org>#ENTRIES#<status> / <created>#<invite> | |
// | list invites                  |                      |                     | Query GSI1 ENTRIES (Type = Invite filter) or GSI2 by status | 1 Query per page |
// | login by email (invite mail)  |                      |                     | Query GSI1 EMAIL#<email>, Limit 1      | 1 Query |
// | registration                  | ORG#<org>            | REG#<reg>           | ORG#<org>#ENTRIES / <submitted>#<reg>  | 1 Get |
// |   (by status, GSI2)           |                      |                     | ORG#<org>#ENTRIES#<status> / <submitted>#<reg> | |
// | registration id -> org (ops)  | REG#<reg>            | REG                 |                                        | 1 Get |
// | console: all / by status      |                      |                     | Query GSI1 ENTRIES or GSI2 ENTRIES#<status>, newest first (invites + registrations merged by time) | 1 Query per page |
// | reserved username (pending)   | USERNAME#<username>  | USERNAME            | Owner = registration:<reg>             | in create txn |
// | claim reference (hash only)   | ORG#<org>            | CLAIMREF#<sha256>#<npi or ->| TIN level: Query begins_with CLAIMREF#<sha256>#; NPI: Get | 1 call |
// | TIN -> org                    | TIN#<tin>            | TIN                 |                                        | 1 Get |
// | org members (reviewers)       |                      |                     | Query GSI1 ORG#<org>#MEMBERS           | 1 Query |
// | emailed link (invite, reset…) | LINK#<sha256>        | LINK                |                                        | 1 Get |
//
// Sign-in: Get USERNAME, Query USER partition, Put SESSION = 3 calls.
// Registration: Get USERNAME, Get TIN, Get ORG, TransactWrite(claim, registration, pointer, link) = 4 calls.
// A decision: guard (2) + Get REG + conditional UpdateItem = 4 calls; the workflow then
// provisions (Get REG + TransactWrite of 4 items) and notifies (Get REG, Delete claim when
// declined, UpdateItem history).
// A signed-in request: Get SESSION, Query USER partition = 2 calls (/me needs nothing more).

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

	gsi1Orgs = "ORGS"
)

func orgPK(orgID string) string          { return "ORG#" + orgID }
func tinPK(tin string) string            { return "TIN#" + tin }
func userPK(userID string) string        { return "USER#" + userID }
func usernamePK(username string) string  { return "USERNAME#" + username }
func sessionPK(id string) string         { return "SESSION#" + id }
func linkPK(tokenHash string) string     { return "LINK#" + tokenHash }
func memberSK(orgID string) string       { return "MEMBER#" + orgID }
func inviteSK(inviteID string) string    { return "INVITE#" + inviteID }
func emailGSI1(email string) string      { return "EMAIL#" + email }
func orgMembersGSI1(orgID string) string { return "ORG#" + orgID + "#MEMBERS" }
func orgEntriesGSI1(orgID string) string { return "ORG#" + orgID + "#ENTRIES" }
func orgEntriesByStatusGSI2(orgID, status string) string {
	return "ORG#" + orgID + "#ENTRIES#" + status
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
