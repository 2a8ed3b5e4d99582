// Command review is the Gatehouse review Lambda function.
package main

import "github.com/gatehouse-dev/gatehouse/internal/app"

func main() { app.Run("review", app.ReviewFunction) }
