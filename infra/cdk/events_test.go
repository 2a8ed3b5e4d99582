package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/event/rule"
)

// eventsDLQ is the logical id of the events dead-letter queue.
func (s *synthesized) eventsDLQ(t *testing.T) string {
	t.Helper()
	for _, id := range s.ofType("AWS::SQS::Queue") {
		if strings.HasPrefix(id, "EventsDeadLetters") {
			return id
		}
	}
	t.Fatal("no events dead-letter queue")
	return ""
}

func refersTo(v any, id string) bool {
	raw, _ := json.Marshal(v)
	return strings.Contains(string(raw), `"`+id+`"`)
}

// TestOutboxReadsTheStream: the events function is fed by the table's
// stream, from the oldest record, reporting batch item failures, with the
// events dead-letter queue for records it cannot publish.
func TestOutboxReadsTheStream(t *testing.T) {
	for _, shape := range []string{"current", "complete"} {
		s := stackFor(t, shape)
		maps := s.ofType("AWS::Lambda::EventSourceMapping")
		if len(maps) != 1 {
			t.Fatalf("%s: %d event source mappings, want 1", shape, len(maps))
		}
		p := s.resources[maps[0]].Properties
		jsonEqual(t, "function", p["FunctionName"], map[string]string{"Ref": s.functions[FunctionEvents]})
		jsonEqual(t, "starting position", p["StartingPosition"], "TRIM_HORIZON")
		jsonEqual(t, "response types", p["FunctionResponseTypes"], []string{"ReportBatchItemFailures"})
		jsonEqual(t, "bisect", p["BisectBatchOnFunctionError"], true)
		table := s.ofType("AWS::DynamoDB::GlobalTable")[0]
		if !refersTo(p["EventSourceArn"], table) || !strings.Contains(mustJSON(p["EventSourceArn"]), "StreamArn") {
			t.Errorf("%s: the mapping reads %s, not the table's stream", shape, mustJSON(p["EventSourceArn"]))
		}
		if !refersTo(p["DestinationConfig"], s.eventsDLQ(t)) {
			t.Errorf("%s: failed records do not go to the events dead-letter queue: %s", shape, mustJSON(p["DestinationConfig"]))
		}
	}
}

// TestInboundRules: one rule per accepted event (the list the local sink
// applies), matching its source and detail type exactly, delivering to the
// events function with the dead-letter queue.
func TestInboundRules(t *testing.T) {
	s := stackFor(t, "current")
	rules := s.ofType("AWS::Events::Rule")
	if len(rules) != len(rule.Inbound) {
		t.Fatalf("%d rules, want %d", len(rules), len(rule.Inbound))
	}
	for _, want := range rule.Inbound {
		t.Run(want.Name, func(t *testing.T) {
			for _, id := range rules {
				p := s.resources[id].Properties
				pattern, _ := p["EventPattern"].(map[string]any)
				if mustJSON(pattern["source"]) != mustJSON([]string{want.Source}) {
					continue
				}
				jsonEqual(t, "detail-type", pattern["detail-type"], []string{want.DetailType})
				targets := list(p["Targets"])
				if len(targets) != 1 {
					t.Fatalf("%d targets", len(targets))
				}
				target := targets[0].(map[string]any)
				if !refersTo(target["Arn"], s.functions[FunctionEvents]) {
					t.Errorf("target %s is not the events function", mustJSON(target["Arn"]))
				}
				if !refersTo(target["DeadLetterConfig"], s.eventsDLQ(t)) {
					t.Errorf("no dead-letter queue on the target: %s", mustJSON(target))
				}
				if !refersTo(p["EventBusName"], s.ofType("AWS::Events::EventBus")[0]) {
					t.Errorf("rule not on the Gatehouse bus")
				}
				return
			}
			t.Fatalf("no rule for source %s", want.Source)
		})
	}
}

// TestOnlyTheEventsFunctionUsesTheEventsQueue: least privilege for the
// outbox: only the events function reads the stream and sends to the events
// dead-letter queue, whose URL it gets in its environment.
func TestOnlyTheEventsFunctionUsesTheEventsQueue(t *testing.T) {
	s := stackFor(t, "current")
	dlq := s.eventsDLQ(t)
	for name, role := range s.roles {
		sends, reads := false, false
		for _, st := range s.policies()[role] {
			for _, a := range list(st.Action) {
				sends = sends || (a == "sqs:SendMessage" && refersTo(st.Resource, dlq))
				reads = reads || a == "dynamodb:GetRecords"
			}
		}
		if want := name == FunctionEvents; sends != want || reads != want {
			t.Errorf("%s: sends to the events queue %v, reads the stream %v; want %v", name, sends, reads, want)
		}
	}
	env := s.resources[s.functions[FunctionEvents]].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	if !refersTo(env["GATEHOUSE_DEAD_LETTER_QUEUE_URL"], dlq) {
		t.Errorf("events function: GATEHOUSE_DEAD_LETTER_QUEUE_URL %s", mustJSON(env["GATEHOUSE_DEAD_LETTER_QUEUE_URL"]))
	}
}

func mustJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
