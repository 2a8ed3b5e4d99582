package stack

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

// ReviewFunctionARN is the review function's ARN in the local account; the
// emulator invokes it by name through the local Lambda Invoke API.
const ReviewFunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:review"

// LambdaEndpointTag tells the local Step Functions emulator where a state
// machine's tasks invoke functions (each stack listens on its own port).
const LambdaEndpointTag = "gatehouse:lambda-endpoint"

// DeployReview creates the review state machine (internal/review's ASL, the
// same file CDK deploys) in the local Step Functions emulator, its tasks
// invoking the functions at invokeURL. It returns the state machine's ARN.
func DeployReview(ctx context.Context, awsCfg aws.Config, name, invokeURL string) (string, error) {
	out, err := sfn.NewClient(awsCfg).CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
		Name:       aws.String(name),
		Definition: aws.String(review.Definition(ReviewFunctionARN)),
		RoleArn:    aws.String("arn:aws:iam::000000000000:role/gatehouse-review"),
		Tags:       []types.Tag{{Key: aws.String(LambdaEndpointTag), Value: aws.String(invokeURL)}},
	})
	if err != nil {
		return "", fmt.Errorf("deploy the review state machine: %w", err)
	}
	return aws.ToString(out.StateMachineArn), nil
}
