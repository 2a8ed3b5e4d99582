package testenv

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Calls counts AWS API calls by "Service.Operation", so tests and benchmarks
// can state how many DynamoDB calls a request costs.
type Calls struct {
	mu    sync.Mutex
	count map[string]int
}

// CountCalls installs a counter on cfg; every client built from cfg afterwards is counted.
func CountCalls(cfg *aws.Config) *Calls {
	c := &Calls{count: map[string]int{}}
	cfg.APIOptions = append(cfg.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("GatehouseCallCounter",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c.mu.Lock()
				c.count[awsmiddleware.GetServiceID(ctx)+"."+awsmiddleware.GetOperationName(ctx)]++
				c.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
	return c
}

// Reset forgets what was counted.
func (c *Calls) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count = map[string]int{}
}

// Service returns the number of calls to one service ("DynamoDB") since the last Reset.
func (c *Calls) Service(service string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.count {
		if strings.HasPrefix(k, service+".") {
			n += v
		}
	}
	return n
}

// String lists the counts, e.g. "DynamoDB.GetItem=1 DynamoDB.Query=1".
func (c *Calls) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.count))
	for k := range c.count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k + "=" + itoa(c.count[k]))
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
