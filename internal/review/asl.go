package review

import (
	_ "embed"
	"strings"
)

// definition is the state machine in Amazon States Language, with
// ${ReviewFunctionArn} left for CDK's DefinitionSubstitutions.
//
//go:embed statemachine.asl.json
var definition string

// Definition returns the ASL with the review function's ARN substituted, as
// CDK's DefinitionSubstitutions does (the local stack uses it).
func Definition(reviewFunctionARN string) string {
	return strings.ReplaceAll(definition, "${ReviewFunctionArn}", reviewFunctionARN)
}

// RawDefinition is the ASL as deployed, substitutions still in place.
func RawDefinition() string { return definition }
