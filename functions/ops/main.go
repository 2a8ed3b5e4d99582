// Command ops is the Gatehouse ops Lambda function.
package main

import "github.com/gatehouse-dev/gatehouse/internal/app"

func main() { app.Run("ops", app.OpsFunction) }
