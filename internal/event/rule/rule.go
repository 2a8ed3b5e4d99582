// Package rule lists the EventBridge rules of the Gatehouse bus in plain Go
// (no dependencies), so the CDK stack deploys them and the local sink
// delivers by exactly the same list.
package rule

// Published is the source of the events Gatehouse publishes itself.
const Published = "gatehouse"

// Rule is one inbound subscription: events of Source and DetailType on the
// Gatehouse bus go to the events function.
type Rule struct {
	Name       string
	Source     string
	DetailType string
}

// Inbound are the accepted events (api-contract.md, "Events (F27)"); each
// has a JSON Schema in events/schemas/inbound/<DetailType>.json.
var Inbound = []Rule{
	{Name: "RosterSync", Source: "pms.roster", DetailType: "EmployeeUpserted"},
	{Name: "ClaimReferences", Source: "claims", DetailType: "ClaimReferenceRecorded"},
}

// Matches reports whether the rule delivers an event of source and detailType.
func (r Rule) Matches(source, detailType string) bool {
	return r.Source == source && r.DetailType == detailType
}
