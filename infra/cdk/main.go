// Command cdk is the Gatehouse CDK app: one stack with the whole production
// system. Run it through the CDK CLI from the repository root (`make synth`,
// `make deploy`); cdk.json there says `cd infra/cdk && go run .`.
package main

import (
	"fmt"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

func main() {
	defer jsii.Close()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gatehouse cdk:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	// The CLI runs the app in infra/cdk but passes the output directory
	// relative to the repository root, where it reads the result.
	outdir := os.Getenv("CDK_OUTDIR")
	if outdir != "" && !filepath.IsAbs(outdir) {
		outdir = filepath.Join(root, outdir)
	}
	// No performance report: on a busy machine a synth slower than 10 s
	// writes one to a path relative to the repository root, which does not
	// exist from infra/cdk, and the synth fails.
	props := &awscdk.AppProps{PerformanceReporting: jsii.Bool(false)}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	cdkApp := awscdk.NewApp(props)
	s, err := readSettings(cdkApp.Node())
	if err != nil {
		return err
	}
	NewWafStack(cdkApp, s.Stage)
	if _, err := NewGatehouseStack(cdkApp, &GatehouseStackProps{
		Settings:  s,
		Functions: route.Functions(), // every function the runtime serves, and no other
		Root:      root,
	}); err != nil {
		return err
	}
	// cdk-nag runs on every synth: its errors fail `cdk synth`.
	awscdk.Aspects_Of(cdkApp).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	cdkApp.Synth(nil)
	return nil
}
