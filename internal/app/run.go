package app

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
)

// Run is the whole main of a function binary: configuration and clients once
// per cold start, then lambda.Start. A configuration error stops the function
// with a log line that says what is missing.
func Run(function string) {
	log := logging.New(os.Stdout, os.Getenv("GATEHOUSE_LOG_LEVEL"))
	cfg, err := config.FromEnv()
	if err != nil {
		log.Error("configuration", "function", function, "error", err.Error())
		os.Exit(1)
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("AWS configuration", "function", function, "error", err.Error())
		os.Exit(1)
	}
	h, err := New(cfg, awsCfg, log).LambdaHandler(function)
	if err != nil {
		log.Error("handler", "function", function, "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}
