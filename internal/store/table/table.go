// Package table declares the single DynamoDB table once, in plain Go, so that
// the CDK stack and the local stack create exactly the same table.
package table

// Index is a global secondary index with string keys, projecting all attributes.
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string
}

// Definition is the table's key schema.
type Definition struct {
	PartitionKey string
	SortKey      string
	Indexes      []Index
	TTLAttribute string
	// StreamView is what the table's stream carries: the outbox (the events
	// function) needs both images to tell what changed.
	StreamView string
}

// Gatehouse is the table every function uses. Access patterns are documented in
// internal/store/dynamo/keys.go.
var Gatehouse = Definition{
	PartitionKey: "PK",
	SortKey:      "SK",
	Indexes: []Index{
		{Name: "GSI1", PartitionKey: "GSI1PK", SortKey: "GSI1SK"},
		{Name: "GSI2", PartitionKey: "GSI2PK", SortKey: "GSI2SK"},
		// GSI3 is sparse: only registrations escalated to ops and still pending.
		{Name: "GSI3", PartitionKey: "GSI3PK", SortKey: "GSI3SK"},
	},
	TTLAttribute: "TTL",
	StreamView:   "NEW_AND_OLD_IMAGES",
}
