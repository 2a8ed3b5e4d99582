package app

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
)

// Run is the whole main of a function binary: the GC setting (TuneGC),
// configuration, clients and the function's own parts once per cold start
// (build is its constructor, e.g. AuthFunction), then lambda.Start. A
// configuration error stops the function with a log line that says what is
// missing.
func Run(function string, build Constructor) {
	TuneGC(lambdaMemoryMiB())
	log := logging.New(os.Stdout, os.Getenv("GATEHOUSE_LOG_LEVEL"))
	cfg, err := config.FromEnv()
	if err != nil {
		log.Error("configuration", "function", function, "error", err.Error())
		os.Exit(1)
	}
	awsCfg, err := AWSConfigFromEnv()
	if err != nil {
		log.Error("AWS configuration", "function", function, "error", err.Error())
		os.Exit(1)
	}
	h, err := build(NewParts(cfg, awsCfg, log))
	if err != nil {
		log.Error("handler", "function", function, "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}

// AWSConfigFromEnv is the AWS configuration of a function from what Lambda
// sets: the region, the execution role's credentials, and the standard
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> overrides (the local stack
// sets those). The SDK's config.LoadDefaultConfig would read the same here
// but also links the SSO, STS and instance-metadata clients, which a
// function never uses (1.6 MiB of every binary).
func AWSConfigFromEnv() (aws.Config, error) {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return aws.Config{}, errors.New("AWS_REGION is not set")
	}
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (Lambda sets them from the execution role)")
	}
	cfg := aws.Config{
		Region:        region,
		Credentials:   aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))),
		ConfigSources: []any{endpointsFromEnv{}},
	}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		cfg.BaseEndpoint = aws.String(v)
	}
	return cfg, nil
}

// endpointsFromEnv gives a service client its AWS_ENDPOINT_URL_<SERVICE>
// (the SDK asks each config source for GetServiceBaseEndpoint).
type endpointsFromEnv struct{}

func (endpointsFromEnv) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	v := os.Getenv("AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(sdkID, " ", "_")))
	return v, v != "", nil
}
