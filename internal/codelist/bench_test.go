package codelist_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

const benchCodes = 10000

// BenchmarkCopy10k copies a list of 10,000 diagnosis codes to an office
// that already has 1,000 of them (kept, never overwritten), then runs the
// same copy again, against DynamoDB Local. It reports the time and the
// DynamoDB calls of each, and fails unless the retry copies nothing.
func BenchmarkCopy10k(b *testing.B) {
	ctx := context.Background()
	awsCfg := testenv.AWSConfig(b)
	calls := testenv.CountCalls(&awsCfg)
	store := dynamo.New(dynamo.NewClient(awsCfg), testenv.NewTable(b))
	svc := codelist.NewService(store, store, time.Now)

	entries := make([]codelist.Entry, benchCodes)
	for i := range entries {
		entries[i] = codelist.Entry{Kind: codelist.KindDiagnosis, Code: fmt.Sprintf("Z%05d", i),
			Description: fmt.Sprintf("Diagnosis number %d, described at about the length real ones have", i), CreatedAt: time.Now()}
	}
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		from, to := ident.NewOrgID(), ident.NewOrgID()
		if _, _, err := store.PutNewCodes(ctx, from, codelist.KindDiagnosis, entries); err != nil {
			b.Fatal(err)
		}
		if _, _, err := store.PutNewCodes(ctx, to, codelist.KindDiagnosis, entries[:benchCodes/10]); err != nil {
			b.Fatal(err)
		}
		who := caller.Caller{User: account.User{ID: "bench", MFAEnabled: true},
			Memberships: []account.Membership{
				{OrgID: from, Role: account.RoleSiteAdmin, Active: true},
				{OrgID: to, Role: account.RoleSiteAdmin, Active: true},
			}}
		in := codelist.CopyInput{FromOrg: from, ToOrg: to, Kinds: []string{"diagnosis"}}

		calls.Reset()
		b.StartTimer()
		t0 := time.Now()
		res, err := svc.Copy(ctx, who, in)
		first := time.Since(t0)
		b.StopTimer()
		if err != nil || res.Copied[codelist.KindDiagnosis] != benchCodes*9/10 || res.Skipped[codelist.KindDiagnosis] != benchCodes/10 {
			b.Fatalf("copy: %+v %v", res, err)
		}
		firstCalls := calls.Service("DynamoDB")
		b.Logf("first copy: %s", calls)

		calls.Reset()
		t0 = time.Now()
		again, err := svc.Copy(ctx, who, in)
		retry := time.Since(t0)
		if err != nil || again.Copied[codelist.KindDiagnosis] != 0 || again.Skipped[codelist.KindDiagnosis] != benchCodes {
			b.Fatalf("the retry copied codes again: %+v %v", again, err)
		}
		have, err := store.CodeSet(ctx, to, codelist.KindDiagnosis)
		if err != nil || len(have) != benchCodes {
			b.Fatalf("target has %d codes, want %d: %v", len(have), benchCodes, err)
		}
		b.ReportMetric(float64(first.Milliseconds()), "copy-ms")
		b.ReportMetric(float64(firstCalls), "copy-ddb-calls")
		b.ReportMetric(float64(retry.Milliseconds()), "retry-ms")
		b.ReportMetric(float64(calls.Service("DynamoDB")), "retry-ddb-calls")
		b.ReportMetric(float64(again.Copied[codelist.KindDiagnosis]), "retry-copied")
		b.Logf("10,000 codes (1,000 already there): copy %s, %d DynamoDB calls; retry %s, %d calls (%s), copied %d",
			first.Round(time.Millisecond), firstCalls, retry.Round(time.Millisecond), calls.Service("DynamoDB"), calls, again.Copied[codelist.KindDiagnosis])
	}
}
