package event_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// outboxBacklog is how many committed changes each round publishes.
const outboxBacklog = 500

// BenchmarkLocalOutbox measures events per second through the local outbox:
// a backlog of committed changes (an employee and its audit entry per
// transaction: 2 stream records, 1 event) is read from DynamoDB Local's
// stream, handed to the events function in Lambda's event shape, mapped and
// put on the sink with PutEvents. Batch sizes 100 (the CDK mapping's) and 10
// are compared in the same run.
func BenchmarkLocalOutbox(b *testing.B) {
	for _, batch := range []int32{100, 10} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			var total time.Duration
			for range b.N {
				b.StopTimer()
				sink, _ := stacktest.Sink(b)
				cfg := testenv.Config(b, testenv.NewTable(b))
				cfg.EventBus = "bench-" + cfg.TableName
				awsCfg := testenv.AWSConfig(b)
				a := app.New(cfg, awsCfg, testenv.Logger(b))
				fn, err := a.LambdaHandler(route.FunctionEvents)
				if err != nil {
					b.Fatal(err)
				}
				seedEmployees(b, a, outboxBacklog)
				b.StartTimer()
				start := time.Now()
				ob, err := stack.StartOutbox(context.Background(), awsCfg, cfg.TableName, fn, sink, "", testenv.Logger(b))
				if err != nil {
					b.Fatal(err)
				}
				ob.BatchSize = batch
				for len(sink.Events(cfg.EventBus)) < outboxBacklog {
					if time.Since(start) > 5*time.Minute {
						b.Fatalf("only %d of %d events after 5 minutes", len(sink.Events(cfg.EventBus)), outboxBacklog)
					}
					time.Sleep(5 * time.Millisecond)
				}
				total += time.Since(start)
				b.StopTimer()
				ob.Close()
			}
			b.ReportMetric(float64(outboxBacklog*b.N)/total.Seconds(), "events/s")
		})
	}
}

// seedEmployees commits n employee changes from 8 goroutines.
func seedEmployees(b *testing.B, a *app.App, n int) {
	b.Helper()
	org := ident.OrgID(ident.New())
	jobs := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				now := time.Now()
				e := employee.Employee{ID: ident.New(), OrgID: org, FirstName: "Bench", LastName: fmt.Sprintf("Employee%d", i), Active: true,
					Source: employee.SourceManual, CreatedAt: now}
				entry := audit.Entry{ID: ident.New(), OrgID: org, At: now, Actor: "bench", Action: audit.ActionEmployeeCreate, Target: "employee:" + e.ID}
				if err := a.Store.CreateEmployee(context.Background(), e, entry); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
