// Command events is the Gatehouse events Lambda function: the outbox (the
// table's stream to EventBridge) and the inbound roster and claim events.
package main

import "github.com/gatehouse-dev/gatehouse/internal/app"

func main() { app.Run("events", app.EventsFunction) }
